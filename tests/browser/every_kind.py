"""A module with one step of every kind a phone answers, for the phone-flow tests in every
browser engine (test_phone_engines.py). The browser tests' database is made with it as the
leader's own (authored) module, so one session holds the whole flow."""

MODULE_ID = "telefonens-alla-steg"
PART_ID = "kvallen"


def text(sv: str, en: str) -> dict[str, str]:
    return {"sv": sv, "en": en}


STEPS = [
    {
        "id": "valkomna",
        "kind": "info",
        "title": text("Välkomna", "Welcome"),
        "body": text("I kväll svarar vi på telefonen.", "Tonight we answer on our phones."),
    },
    {
        "id": "poll",
        "kind": "poll",
        "prompt": text("Hur kom du hit i kväll?", "How did you get here tonight?"),
        "options": [
            {"id": "bil", "text": text("Med bil", "By car")},
            {"id": "buss", "text": text("Med buss", "By bus")},
            {"id": "fots", "text": text("Till fots eller på skidor", "On foot or on skis")},
        ],
    },
    {
        "id": "scale",
        "kind": "scale",
        "prompt": text("Hur trygg känner du dig i byn?", "How safe do you feel in the village?"),
        "min": 1,
        "max": 5,
        "min_label": text("Inte alls", "Not at all"),
        "max_label": text("Mycket", "Very"),
    },
    {
        "id": "quiz",
        "kind": "quiz",
        "prompt": text("Hur många kommuner finns det i Norrbotten?", "How many municipalities?"),
        "options": [
            {"id": "a", "text": text("5", "5")},
            {"id": "b", "text": text("14", "14"), "correct": True},
            {"id": "c", "text": text("25", "25")},
        ],
        "explanation": text("Länet har 14 kommuner.", "The county has 14 municipalities."),
        "source": {"title": "SCB, Kommuner i siffror", "year": 2024},
    },
    {
        "id": "open",
        "kind": "open",
        "prompt": text("Vad betyder byn för dig?", "What does the village mean to you?"),
    },
    {
        "id": "words",
        "kind": "wordcloud",
        "prompt": text("Skriv ett ord om byns framtid.", "One word about the village's future."),
    },
    {
        "id": "rank",
        "kind": "rank",
        "prompt": text("Vad är viktigast? Det viktigaste först.", "What matters most? First."),
        "options": [
            {"id": "skola", "text": text("Skolan", "The school")},
            {"id": "affar", "text": text("Affären", "The shop")},
            {"id": "buss", "text": text("Bussen", "The bus")},
            {"id": "vard", "text": text("Vårdcentralen", "The health centre")},
        ],
    },
    {
        "id": "statements",
        "kind": "statements",
        "prompt": text("Håller du med?", "Do you agree?"),
        "statements": [
            {"id": "el", "text": text("Byn behöver reservkraft.", "The village needs power.")},
            {"id": "fiber", "text": text("Fibern räcker som den är.", "The fibre is enough.")},
        ],
    },
    {
        "id": "points",
        "kind": "points",
        "prompt": text("Fördela 10 poäng.", "Distribute 10 points."),
        "budget": 10,
        "options": [
            {"id": "skola", "text": text("Skolan", "The school")},
            {"id": "buss", "text": text("Bussen", "The bus")},
        ],
    },
]

DOCUMENT = {
    "id": MODULE_ID,
    "kind": "study-circle",
    "title": text("Telefonens alla steg", "Every step on the phone"),
    "description": text("Ett steg av varje slag.", "One step of every kind."),
    "parts": [
        {
            "id": PART_ID,
            "title": text("Kvällen", "The evening"),
            "description": text("Hela kvällen.", "The whole evening."),
            "steps": STEPS,
        }
    ],
}
