"""The controlled vocabularies Piezo starts with. The data migration seeds them with
lexicon_ensure (so do the tests after a flush); data managers extend them in the admin.
Codes are stable identifiers, labels are for people."""

LEXICON: dict[str, list[tuple[str, str, str]]] = {
    "well_kind": [
        ("well", "Well", "A drilled or dug well."),
        ("spring", "Spring", "A natural discharge of groundwater at the land surface."),
        ("piezometer", "Piezometer", "A small-diameter well that measures hydraulic head."),
    ],
    "method": [
        ("steel_tape", "Steel tape", "Graduated steel tape, chalked."),
        ("electric_tape", "Electric tape", "Electric sounder (e-tape)."),
        ("transducer", "Pressure transducer", "Submerged pressure transducer with a logger."),
        ("airline", "Airline", "Airline and pressure gauge."),
        ("pressure_gage", "Pressure gage", "Pressure gauge on a flowing well."),
        ("sonic", "Sonic", "Acoustic sounder."),
        ("estimated", "Estimated", "Estimated, not measured."),
        ("reported", "Reported", "Reported by someone else, not measured by the programme."),
        ("other", "Other", "Another method; see the notes."),
        ("unknown", "Unknown", "Method not recorded."),
    ],
    "level_status": [
        ("static", "Static", "The level was static (not affected by pumping)."),
        ("dry", "Dry", "The well was dry: no water level to measure."),
        ("obstructed", "Obstructed", "An obstruction stopped the measurement."),
        ("flowing", "Flowing", "The well was flowing: the head is above land surface."),
        ("pumping", "Pumping", "The well was being pumped."),
        ("recently_pumped", "Recently pumped", "The well had been pumped recently."),
        ("nearby_pumping", "Nearby pumping", "A nearby well was being pumped."),
        ("surface_water", "Surface-water effects", "Affected by nearby surface water."),
        ("destroyed", "Destroyed", "The well was destroyed."),
        ("other", "Other", "Another condition; see the notes."),
    ],
    "data_quality": [
        ("provisional", "Provisional", "Not yet reviewed; may change."),
        ("approved", "Approved", "Reviewed and approved for publication."),
        ("questionable", "Questionable", "Reviewed; the value is doubtful."),
    ],
}


def lexicon_ensure(term_model) -> int:
    """Create the starting terms that are missing, through ``term_model`` (LexiconTerm, or
    the migration's historical model); returns how many were created. A term that exists is
    left as it is: a data manager may have reworded its label."""
    created = 0
    for category, terms in LEXICON.items():
        for code, label, definition in terms:
            _, was_created = term_model.objects.get_or_create(
                category=category, code=code, defaults={"label": label, "definition": definition}
            )
            created += was_created
    return created
