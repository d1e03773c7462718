from collections.abc import Iterator

import pytest

from .provider import Provider, configure, running_provider


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[Provider]:
    """One real OpenID provider for the run (each test signs in its own new subjects)."""
    with running_provider() as provider:
        yield provider


@pytest.fixture
def sso(settings, oidc_provider) -> Provider:
    """icsat with single sign-on on, pointed at the test provider; password sign-in on."""
    configure(settings, oidc_provider)
    return oidc_provider
