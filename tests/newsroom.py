"""A tag of an invented news site on two days: the listing changes between crawls.

Day 2 brings three new stories on top, an edited headline, a removed story, and the same
sticky story pinned above page 1, four stories to a page.
"""

from __future__ import annotations

from pathlib import Path

from tests.sites import write_tag

TAG_PATH = "/tag/peru/"
PER_PAGE = 4
STICKY = {
    "slug": "guia-elecciones-regionales",
    "headline": "Guía para entender las elecciones regionales",
    "teaser": "Qué se vota, quiénes compiten y cómo se cuentan los votos en cada región.",
    "date": "2024-06-01",
}
DAY_ONE = [
    ("mineros-artesanales-bloquean-panamericana", "Mineros artesanales bloquean la Panamericana Sur",
     "Exigen la ampliación del registro de formalización antes de fin de mes."),
    ("congreso-archiva-reforma-agraria", "Congreso archiva la reforma agraria sin debate",
     "Las organizaciones campesinas anuncian una marcha hacia Lima."),
    ("sequia-puno-alpaqueros", "La sequía golpea a los alpaqueros de Puno",
     "Los pastores de altura piden forraje de emergencia para sus rebaños."),
    ("ollas-comunes-presupuesto", "Ollas comunes reclaman el presupuesto prometido",
     "Más de dos mil comedores populares siguen sin recibir alimentos del Estado."),
    ("derrame-petroleo-amazonia", "Nuevo derrame de petróleo en la Amazonía norte",
     "Federaciones indígenas denuncian la demora en la remediación del oleoducto."),
    ("maestros-huelga-indefinida", "Maestros rurales inician una huelga indefinida",
     "El sindicato exige la nivelación salarial pactada hace dos años."),
    ("cusco-turismo-comunitario", "Cusco apuesta por el turismo comunitario",
     "Comunidades quechuas gestionan sus propios albergues en el Valle Sagrado."),
    ("tribunal-constitucional-fallo", "El Tribunal Constitucional falla sobre la inmunidad",
     "La sentencia reabre el debate sobre los límites del poder legislativo."),
    ("agua-potable-arequipa", "Arequipa debate la gestión pública del agua",
     "Vecinos de los conos se oponen a la concesión del servicio."),
    ("radio-comunitaria-ayacucho", "Una radio comunitaria cumple cuarenta años en Ayacucho",
     "La emisora en quechua narró la violencia y hoy informa sobre el clima."),
    ("feria-semillas-nativas", "Feria de semillas nativas reúne a cien comunidades",
     "Agricultores intercambian variedades de papa resistentes a la helada."),
    ("defensoria-conflictos-sociales", "La Defensoría registra doscientos conflictos sociales",
     "La mayoría se concentra en zonas mineras del sur andino."),
]  # fmt: skip
NEW_ON_DAY_TWO = [
    ("paro-agrario-nacional", "Convocan un paro agrario nacional para el jueves",
     "Los productores de arroz y papa denuncian precios por debajo del costo."),
    ("litio-consulta-previa", "Comunidades exigen consulta previa sobre el litio",
     "Dirigentes aimaras rechazan las concesiones otorgadas sin diálogo."),
    ("censo-pueblos-indigenas", "El censo contará por primera vez a todos los pueblos amazónicos",
     "Intérpretes de veinte lenguas acompañarán a los empadronadores."),
]  # fmt: skip
EDITED_SLUG = "congreso-archiva-reforma-agraria"
EDITED_HEADLINE = "Congreso archiva la reforma agraria tras una votación exprés"
REMOVED_SLUG = "sequia-puno-alpaqueros"


def _stories(entries: list[tuple[str, str, str]], first_day: int) -> list[dict[str, str]]:
    return [
        {
            "slug": slug,
            "headline": headline,
            "teaser": teaser,
            "date": f"2024-07-{first_day - n:02d}",
        }
        for n, (slug, headline, teaser) in enumerate(entries)
    ]


def day_one(root: Path) -> int:
    """Write day 1; returns its number of pages."""
    return write_tag(root, TAG_PATH, "Perú", _stories(DAY_ONE, 20), PER_PAGE, STICKY)


def day_two(root: Path) -> int:
    """Write day 2 over day 1; returns its number of pages."""
    stories = _stories(NEW_ON_DAY_TWO, 23) + [
        s | ({"headline": EDITED_HEADLINE} if s["slug"] == EDITED_SLUG else {})
        for s in _stories(DAY_ONE, 20)
        if s["slug"] != REMOVED_SLUG
    ]
    return write_tag(root, TAG_PATH, "Perú", stories, PER_PAGE, STICKY)


def story_url(base: str, slug: str) -> str:
    """The canonical URL the archive keeps for a story of this site."""
    for entries, first_day in ((NEW_ON_DAY_TWO, 23), (DAY_ONE, 20)):
        for story in _stories(entries, first_day):
            if story["slug"] == slug:
                return f"{base}/{story['date']}/{slug}/"
    return f"{base}/{STICKY['date']}/{slug}/"
