from django.urls import path, re_path

from . import api, views

app_name = "scim"

urlpatterns = [
    path("manage/scim/", views.provisioning, name="provisioning"),
    path("manage/scim/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path(
        "manage/scim/mappings/<int:mapping_id>/delete/",
        views.mapping_delete,
        name="mapping_delete",
    ),
    path("scim/v2/", api.not_found, name="root"),
    path("scim/v2/.search", api.root_search),
    path("scim/v2/Users", api.users, name="users"),
    path("scim/v2/Users/.search", api.users_search),
    path("scim/v2/Users/<str:user_id>", api.user, name="user"),
    path("scim/v2/Groups", api.groups, name="groups"),
    path("scim/v2/Groups/.search", api.groups_search),
    path("scim/v2/Groups/<str:group_id>", api.group, name="group"),
    path("scim/v2/ServiceProviderConfig", api.service_provider_config),
    path("scim/v2/ResourceTypes", api.resource_types),
    path("scim/v2/ResourceTypes/<str:type_id>", api.resource_types),
    path("scim/v2/Schemas", api.schemas),
    path("scim/v2/Schemas/<str:schema_id>", api.schemas),
    re_path(r"^scim/v2/(?P<rest>.*)$", api.not_found),
]
