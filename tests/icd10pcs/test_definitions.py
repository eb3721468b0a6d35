"""The definitions file: records found by section, position and axis label."""

from __future__ import annotations

from ._data import code_map, definitions


def test_file_header_and_sections() -> None:
    release = definitions()
    assert (release.version, release.title) == ("2026", "2026 ICD-10-PCS Definitions")
    assert len(release.sections) == 16
    assert release.sections["0"] == "Medical and Surgical"
    assert release.sections["X"] == "New Technology"
    assert len(release.definitions) == 954
    assert len(release.device_aggregates) == 60


def test_an_operation_with_definition_explanation_and_includes() -> None:
    bypass = definitions().lookup("0", 3, "Bypass")
    assert bypass is not None
    assert bypass.axis_title == "Operation"
    assert bypass.definition == ("Altering the route of passage of the contents of a tubular "
                                 "body part")
    assert bypass.explanation is not None
    assert bypass.explanation.startswith("Rerouting contents of a body part")
    assert bypass.includes == ("Coronary artery bypass, colostomy formation",)


def test_a_body_part_record_shared_by_several_labels() -> None:
    right = definitions().lookup("0", 4, "1st Toe, Right")
    left = definitions().lookup("0", 4, "1st Toe, Left")
    assert right is not None
    assert right is left
    assert right.titles == ("1st Toe, Left", "1st Toe, Right")
    assert right.includes == ("Hallux",)
    assert right.definition is None


def test_approach_definitions_are_per_section() -> None:
    surgical = definitions().lookup("0", 5, "Percutaneous Endoscopic")
    assert surgical is not None and surgical.definition is not None
    assert surgical.definition.startswith("Entry, by puncture or minor incision")
    assert definitions().lookup("0", 5, "Nonexistent") is None


def test_device_labels_carry_their_body_system_and_operation() -> None:
    d = definitions()
    assert d.lookup("0", 6, "Autologous Arterial Tissue") is None  # context needed
    arterial = d.lookup("0", 6, "Autologous Arterial Tissue", operation="Bypass",
                        body_system="Heart and Great Vessels")
    assert arterial is not None
    assert arterial.titles == ("Autologous Arterial Tissue in Heart and Great Vessels",)
    lead = d.lookup("0", 6, "Cardiac Lead, Pacemaker", operation="Insertion",
                    body_system="Heart and Great Vessels")
    assert lead is not None
    assert lead.titles[0] == "Cardiac Lead, Pacemaker for Insertion in Heart and Great Vessels"


def test_rehabilitation_type_qualifiers_by_assessment_or_treatment() -> None:
    d = definitions()
    assessment = d.lookup("F", 5, "Aphasia", operation="Speech Assessment")
    treatment = d.lookup("F", 5, "Aphasia", operation="Speech Treatment")
    assert assessment is not None and treatment is not None
    assert assessment.titles == ("Aphasia (Assessment)",)
    assert treatment.titles == ("Aphasia (Treatment)",)
    assert assessment.definition != treatment.definition


def test_for_code_uses_the_code_context() -> None:
    d = definitions()
    appendix = d.for_code(code_map()["0DTJ4ZZ"], 4)
    assert appendix is not None
    assert appendix.includes == ("Appendiceal orifice", "Vermiform appendix")
    resection = d.for_code(code_map()["0DTJ4ZZ"], 3)
    assert resection is not None
    assert resection.definition == "Cutting out or off, without replacement, all of a body part"
    tether = d.for_code(code_map()["XKUC068"], 6)
    assert tether is not None and tether.titles == ("Posterior Vertebral Tether in New Technology",)
    assert d.for_code(code_map()["0DTJ4ZZ"], 7) is None  # qualifiers have no records in section 0


def test_device_aggregation() -> None:
    first = definitions().device_aggregates[0]
    assert first.device == "Autologous Arterial Tissue"
    assert first.operation == "All applicable"
    assert "Heart and Great Vessels" in first.body_systems
    assert (first.parent_value, first.parent_label) == ("7", "Autologous Tissue Substitute")
