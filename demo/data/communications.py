"""Communications: the department, its request types (forms and answers)
and what its agents write."""

from .specs import amount, days, field, maybe, pick, upload, yes

DEPARTMENT: dict = {
    "name": "Communications",
    "slug": "communications",
    "prefix": "COM",
    "reopen_days": 7,
    "weight": 11,
    "description": (
        "Intranet news, events, design and social media. Two weeks' notice for events and "
        "design work helps us do it well."
    ),
    "questions": [
        "Do you have photos we can use, or should we book the photographer?",
        "Who should be quoted in the article?",
        "Could you send the logo in a higher resolution?",
    ],
    "notes": [
        "Fits in the newsletter next Thursday.",
        "Design team busy until Friday; pencilled in for Monday.",
        "Check with Legal before publishing the customer's name.",
    ],
    "types": [
        {
            "name": "Intranet article",
            "slug": "intranet-article",
            "sla_hours": 72,
            "weight": 2.5,
            "description": ("News for colleagues on the intranet front page or in the newsletter."),
            "fields": [
                field("headline", "Headline", "text", required=True),
                field("publish_date", "Publish on", "date", required=True),
                field(
                    "audience",
                    "Audience",
                    "choice",
                    required=True,
                    choices=[
                        "All staff",
                        "Oslo office",
                        "Madrid office",
                        "Managers",
                    ],
                ),
                field("draft", "Draft text", "file"),
                field("has_images", "We have images", "yes_no"),
            ],
            "answers": {
                "headline": pick(
                    "New canteen menu from Monday",
                    "Welcome to our new colleagues in Finance",
                    "Summer party: save the date",
                    "Our new customer portal is live",
                    "Record results in the customer survey",
                    "Madrid office moves to a new floor",
                ),
                "publish_date": days(2, 14),
                "draft": maybe(0.4, upload("txt", "article-draft.txt")),
                "has_images": yes(0.5),
            },
            "titles": ["Intranet article: {headline}", "News: {headline}"],
            "details": ["Draft attached; feel free to shorten it.", ""],
            "resolutions": [
                "Published on the front page.",
                "Scheduled for the date you asked for.",
            ],
        },
        {
            "name": "Event support",
            "slug": "event-support",
            "sla_hours": 120,
            "weight": 2,
            "description": (
                "Invitations, photography, streaming or the full package for an event."
            ),
            "fields": [
                field("event_name", "Event", "text", required=True),
                field("event_date", "Date", "date", required=True),
                field("attendees", "Expected attendees", "number"),
                field(
                    "support",
                    "Support needed",
                    "choice",
                    required=True,
                    choices=[
                        "Invitations and sign-up",
                        "Photography",
                        "Live streaming",
                        "Full event package",
                    ],
                ),
                field("venue", "Venue", "text"),
            ],
            "answers": {
                "event_name": pick(
                    "Customer day",
                    "Quarterly all-hands",
                    "Summer party",
                    "Partner breakfast",
                    "Graduate welcome day",
                ),
                "event_date": days(14, 60),
                "attendees": amount(20, 250),
                "venue": maybe(
                    0.6,
                    pick("Canteen", "Aurora room", "Hotel Continental", "Madrid office terrace"),
                ),
            },
            "titles": ["Support for {event_name}", "{support} for {event_name}"],
            "details": ["Budget is approved.", ""],
            "resolutions": [
                "Invitations sent and the sign-up page is live.",
                "Photographer booked; photos will be shared the day after.",
            ],
        },
        {
            "name": "Design request",
            "slug": "design",
            "sla_hours": 168,
            "weight": 2,
            "description": "Presentations, posters, roll-ups, graphics and infographics.",
            "fields": [
                field(
                    "deliverable",
                    "Deliverable",
                    "choice",
                    required=True,
                    choices=[
                        "Presentation template",
                        "Poster",
                        "Roll-up banner",
                        "Social media graphics",
                        "Infographic",
                    ],
                ),
                field("deadline", "Deadline", "date", required=True),
                field("brief", "Brief", "textarea", required=True),
                field("reference", "Reference image", "file"),
            ],
            "answers": {
                "deadline": days(7, 30),
                "brief": pick(
                    "For the customer day; should match the new brand colours.",
                    "Simple and readable from a distance.",
                    "Five slides explaining the new travel policy.",
                    "Key figures from the annual report.",
                ),
                "reference": maybe(0.3, upload("png", "reference.png")),
            },
            "titles": ["{deliverable} for the team", "New {deliverable}"],
            "details": [""],
            "resolutions": [
                "Final files are in the shared drive under Design/Delivered.",
                "Delivered; print order placed for the roll-up.",
            ],
        },
        {
            "name": "Social media post",
            "slug": "social",
            "sla_hours": 48,
            "weight": 1,
            "description": "A post on the company's LinkedIn, Instagram or Facebook pages.",
            "fields": [
                field(
                    "channel",
                    "Channel",
                    "choice",
                    required=True,
                    choices=["LinkedIn", "Instagram", "Facebook"],
                ),
                field("post_date", "Post on", "date"),
                field("text", "Suggested text", "textarea", required=True),
            ],
            "answers": {
                "post_date": maybe(0.7, days(1, 10)),
                "text": pick(
                    "We're hiring! Join our IT team in Oslo.",
                    "Proud to welcome 12 graduates this autumn.",
                    "Thanks to everyone who joined our customer day.",
                ),
            },
            "titles": ["Post on {channel}", "{channel} post"],
            "details": [""],
            "resolutions": ["Posted.", "Scheduled in the publishing tool."],
        },
    ],
}
