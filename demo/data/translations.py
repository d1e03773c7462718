"""The demo company's words in Spanish and Norwegian (requests_app.content): department and
request type names and the surveys. Descriptions and form fields stay English on purpose,
so the demo also shows the "falls back to English" marks and readers' fallback."""

# English text → {language: translation}
GLOSSARY: dict[str, dict[str, str]] = {
    # Departments
    "Communications": {"es": "Comunicación", "nb": "Kommunikasjon"},
    "Facilities": {"es": "Instalaciones", "nb": "Drift og eiendom"},
    "Finance": {"es": "Finanzas", "nb": "Økonomi"},
    "HR": {"es": "RR. HH.", "nb": "HR"},
    "IT": {"es": "TI", "nb": "IT"},
    "Legal": {"es": "Jurídico", "nb": "Juridisk"},
    # Request types
    "Intranet article": {"es": "Artículo en la intranet", "nb": "Intranettsak"},
    "Event support": {"es": "Apoyo para eventos", "nb": "Arrangementsstøtte"},
    "Design request": {"es": "Solicitud de diseño", "nb": "Designbestilling"},
    "Social media post": {"es": "Publicación en redes sociales", "nb": "Innlegg i sosiale medier"},
    "Repair or maintenance": {
        "es": "Reparación o mantenimiento",
        "nb": "Reparasjon eller vedlikehold",
    },
    "Meeting room setup": {
        "es": "Preparación de sala de reuniones",
        "nb": "Klargjøring av møterom",
    },
    "Desk move": {"es": "Cambio de puesto", "nb": "Flytting av arbeidsplass"},
    "Access card or parking": {
        "es": "Tarjeta de acceso o aparcamiento",
        "nb": "Adgangskort eller parkering",
    },
    "Expense reimbursement": {"es": "Reembolso de gastos", "nb": "Utleggsrefusjon"},
    "Invoice approval": {"es": "Aprobación de factura", "nb": "Fakturagodkjenning"},
    "Purchase order": {"es": "Orden de compra", "nb": "Innkjøpsordre"},
    "Payroll question": {"es": "Consulta de nómina", "nb": "Spørsmål om lønn"},
    "Parental leave paperwork": {
        "es": "Trámites de permiso parental",
        "nb": "Papirer for foreldrepermisjon",
    },
    "Benefits enrolment": {"es": "Alta en beneficios", "nb": "Påmelding til goder"},
    "Employment certificate": {"es": "Certificado de empleo", "nb": "Arbeidsgiverbekreftelse"},
    "New hire onboarding": {
        "es": "Incorporación de nuevo personal",
        "nb": "Onboarding av nyansatt",
    },
    "Access request": {"es": "Solicitud de acceso", "nb": "Tilgangsforespørsel"},
    "Laptop or equipment": {"es": "Portátil o equipo", "nb": "PC eller utstyr"},
    "Software installation": {"es": "Instalación de software", "nb": "Installasjon av programvare"},
    "Password or account problem": {
        "es": "Problema de contraseña o cuenta",
        "nb": "Problem med passord eller konto",
    },
    "Network or printer problem": {
        "es": "Problema de red o impresora",
        "nb": "Problem med nett eller skriver",
    },
    "Contract review": {"es": "Revisión de contrato", "nb": "Kontraktsgjennomgang"},
    "NDA request": {
        "es": "Solicitud de acuerdo de confidencialidad",
        "nb": "Bestilling av taushetserklæring",
    },
    "Data protection question": {
        "es": "Consulta de protección de datos",
        "nb": "Spørsmål om personvern",
    },
    # Surveys
    "Your request is done. Tell us in under a minute how it went.": {
        "es": "Su solicitud está resuelta. Cuéntenos en menos de un minuto cómo fue.",
        "nb": "Forespørselen din er løst. Fortell oss på under ett minutt hvordan det gikk.",
    },
    "IT resolved your request. A few quick questions, and a comment if you like.": {
        "es": "TI resolvió su solicitud. Unas preguntas rápidas y, si quiere, un comentario.",
        "nb": "IT har løst forespørselen din. Noen raske spørsmål, og gjerne en kommentar.",
    },
    "How satisfied are you with how your request was handled?": {
        "es": "¿Qué tan satisfecho está con cómo se atendió su solicitud?",
        "nb": "Hvor fornøyd er du med hvordan forespørselen ble behandlet?",
    },
    "Was it solved the first time?": {
        "es": "¿Se resolvió a la primera?",
        "nb": "Ble det løst på første forsøk?",
    },
    "What mattered most?": {"es": "¿Qué fue lo más importante?", "nb": "Hva betydde mest?"},
    "Anything we could do better?": {
        "es": "¿Hay algo que podamos mejorar?",
        "nb": "Er det noe vi kan gjøre bedre?",
    },
    "How likely are you to recommend IT's help to a colleague?": {
        "es": "¿Qué probabilidad hay de que recomiende la ayuda de TI a un colega?",
        "nb": "Hvor sannsynlig er det at du anbefaler IT sin hjelp til en kollega?",
    },
    "How satisfied are you with the solution?": {
        "es": "¿Qué tan satisfecho está con la solución?",
        "nb": "Hvor fornøyd er du med løsningen?",
    },
    "What is the main reason for your score?": {
        "es": "¿Cuál es el motivo principal de su puntuación?",
        "nb": "Hva er hovedgrunnen til vurderingen din?",
    },
    "What could IT do better next time?": {
        "es": "¿Qué podría hacer mejor TI la próxima vez?",
        "nb": "Hva kan IT gjøre bedre neste gang?",
    },
    # The HR survey is left in English only in Spanish: its readers see English there.
    "How satisfied are you with the help you got from HR?": {
        "nb": "Hvor fornøyd er du med hjelpen du fikk fra HR?",
    },
    "Anything HR could do better?": {"nb": "Er det noe HR kan gjøre bedre?"},
    # Options of "What mattered most?"
    "Speed": {"es": "Rapidez", "nb": "Fart"},
    "Friendliness": {"es": "Amabilidad", "nb": "Vennlighet"},
    "Getting it right": {"es": "Hacerlo bien", "nb": "Å få det riktig"},
    "Keeping me informed": {"es": "Mantenerme informado", "nb": "At jeg ble holdt orientert"},
}
LANGUAGES = ("es", "nb")


def translations_of(**english: str) -> dict[str, str]:
    """{"name_es": …, "name_nb": …} for name="…" — the translations the glossary has."""
    return {
        f"{attr}_{code}": GLOSSARY[text][code]
        for attr, text in english.items()
        for code in LANGUAGES
        if code in GLOSSARY.get(text, {})
    }


def question_translations(question: dict) -> dict:
    """A survey question spec with its text and options translated where the glossary can."""
    translated = {**question, **translations_of(text=question["text"])}
    for code in LANGUAGES:
        options = [GLOSSARY.get(option, {}).get(code, "") for option in question.get("choices", [])]
        translated[f"choices_{code}"] = options if all(options) else []
    return translated
