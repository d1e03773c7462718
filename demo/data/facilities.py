"""Facilities: the department, its request types (forms and answers)
and what its agents write."""

from .specs import DESKS, LOCATIONS, amount, days, field, maybe, pick, serial, yes

DEPARTMENT: dict = {
    "name": "Facilities",
    "slug": "facilities",
    "prefix": "FAC",
    "reopen_days": 7,
    "weight": 15,
    "description": (
        "Buildings, rooms and the things in them: repairs, meeting rooms, desk moves, "
        "access cards and parking. In an emergency (water leak, fire door, anyone hurt) "
        "call reception on ext. 1000 first."
    ),
    "questions": [
        "Which room exactly? The number is on the sign next to the door.",
        "Could you send a photo of the problem?",
        "Is the morning or the afternoon better for the technician to come by?",
        "How many people are you expecting?",
    ],
    "notes": [
        "Ordered the part from the supplier, 3-5 days.",
        "Landlord's responsibility; reported to Vestby Eiendom.",
        "Cleaning crew informed.",
        "Same issue on the 4th floor last month.",
    ],
    "types": [
        {
            "name": "Repair or maintenance",
            "slug": "repair",
            "sla_hours": 48,
            "weight": 3,
            "description": "Something broken, leaking, too hot, too cold or too dark.",
            "fields": [
                field(
                    "location",
                    "Location",
                    "text",
                    required=True,
                    help_text="Building, floor and room, e.g. Oslo B2, 3rd floor, 3.14",
                ),
                field(
                    "issue",
                    "Issue",
                    "choice",
                    required=True,
                    choices=[
                        "Heating or ventilation",
                        "Lighting",
                        "Plumbing",
                        "Door or lock",
                        "Furniture",
                        "Other",
                    ],
                ),
                field(
                    "urgency",
                    "Urgency",
                    "choice",
                    required=True,
                    choices=["Low", "Medium", "High (safety issue)"],
                ),
                field("details", "What happened", "textarea"),
            ],
            "answers": {
                "location": pick(*LOCATIONS),
                "urgency": pick("Low", "Medium", "Medium", "High (safety issue)"),
            },
            "titles": [
                "{issue}: {location}",
                ("Radiator cold in the meeting room", {"issue": "Heating or ventilation"}),
                (
                    "Leaking tap in the kitchen",
                    {"issue": "Plumbing", "location": "Oslo B2, 2nd floor kitchen"},
                ),
                ("Flickering lights above my desk", {"issue": "Lighting"}),
                (
                    "Stairwell door doesn't close",
                    {"issue": "Door or lock", "urgency": "High (safety issue)"},
                ),
                ("Broken office chair", {"issue": "Furniture", "urgency": "Low"}),
            ],
            "details": [
                "Started this morning.",
                "It has been like this for a few days now.",
                "",
            ],
            "resolutions": [
                "Fixed by the technician this afternoon.",
                "Part replaced; everything works again.",
                "The landlord's service partner repaired it.",
            ],
        },
        {
            "name": "Meeting room setup",
            "slug": "meeting-room",
            "sla_hours": 24,
            "weight": 2,
            "description": "Furniture, equipment and catering for a meeting or workshop.",
            "fields": [
                field(
                    "room",
                    "Room",
                    "choice",
                    required=True,
                    choices=[
                        "Fjord (12 people)",
                        "Glacier (6 people)",
                        "Aurora (30 people)",
                        "Canteen",
                    ],
                ),
                field("date", "Date", "date", required=True),
                field("start_time", "Start time", "text", help_text="e.g. 09:30"),
                field("attendees", "Attendees", "number"),
                field(
                    "layout",
                    "Layout",
                    "choice",
                    choices=["Boardroom", "Classroom", "Theatre", "U-shape"],
                ),
                field("catering", "Catering", "yes_no"),
            ],
            "answers": {
                "date": days(2, 21),
                "start_time": pick("08:30", "09:00", "10:00", "12:30", "13:00", "14:00"),
                "attendees": amount(4, 30),
                "catering": yes(0.5),
            },
            "titles": [
                "Setup for {room} on {date}",
                (
                    "Board meeting in Fjord",
                    {"room": "Fjord (12 people)", "layout": "Boardroom"},
                ),
                ("All-hands in the canteen", {"room": "Canteen", "layout": "Theatre"}),
                ("Workshop with a customer", {"room": "Aurora (30 people)"}),
            ],
            "details": [
                "We need a projector and two flip charts.",
                "Coffee and fruit, please.",
                "",
            ],
            "resolutions": [
                "Room is set up and catering ordered.",
                "All booked; the projector remote is at reception.",
            ],
        },
        {
            "name": "Desk move",
            "slug": "desk-move",
            "sla_hours": 120,
            "weight": 1.5,
            "description": "Moving a person or a team to another desk or floor.",
            "fields": [
                field("from_desk", "From desk", "text", required=True),
                field("to_desk", "To desk", "text", required=True),
                field("move_date", "Move date", "date", required=True),
                field("boxes", "Moving boxes needed", "number"),
                field("move_it_equipment", "Move screens and docking station", "yes_no"),
            ],
            "answers": {
                "from_desk": pick(*DESKS),
                "to_desk": pick(*DESKS),
                "move_date": days(5, 30),
                "boxes": maybe(0.6, amount(1, 8)),
                "move_it_equipment": yes(0.7),
            },
            "titles": ["Desk move {from_desk} to {to_desk}", "Moving to {to_desk}"],
            "details": ["Joining the project team on the other floor.", ""],
            "resolutions": [
                "Moved; boxes are at the new desk.",
                "Done, and IT reconnected the screens.",
            ],
        },
        {
            "name": "Access card or parking",
            "slug": "access-card",
            "sla_hours": 48,
            "weight": 1.5,
            "associates": True,
            "description": ("New, lost or broken access cards, visitor cards and parking permits."),
            "fields": [
                field(
                    "request",
                    "Request",
                    "choice",
                    required=True,
                    choices=[
                        "New access card",
                        "Lost or broken card",
                        "Parking permit",
                        "Visitor card",
                    ],
                ),
                field("registration", "Car registration", "text", help_text="Only for parking"),
                field("valid_from", "Valid from", "date"),
            ],
            "answers": {
                "registration": maybe(0.4, serial("EL {n}", 10000, 99999)),
                "valid_from": maybe(0.6, days(1, 14)),
            },
            "titles": [
                "{request}",
                ("Lost my access card", {"request": "Lost or broken card"}),
                ("Parking permit for my electric car", {"request": "Parking permit"}),
            ],
            "details": ["", "I start at the Oslo office next week."],
            "resolutions": [
                "Card ready for pick-up at reception.",
                "Permit registered for your car.",
            ],
        },
    ],
}
