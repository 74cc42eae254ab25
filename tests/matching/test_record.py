from manara.matching import PersonRecord, record_from_ftm


def test_record_from_ftm_collects_names_dates_and_identifiers() -> None:
    entity = {
        "id": "ofac-1",
        "schema": "Person",
        "properties": {
            "name": ["Abd al-Rahman AL-TIKRITI"],
            "alias": ["Abderrahmane Tikriti"],
            "weakAlias": ["Abu Omar"],
            "firstName": ["Abd al-Rahman"],
            "lastName": ["Tikriti"],
            "birthDate": ["1961-10-01", "1961"],
            "nationality": ["iq"],
            "citizenship": ["JO"],
            "gender": ["male"],
            "passportNumber": ["A1234567"],
            "idNumber": ["99-887"],
        },
    }
    record = record_from_ftm(entity)
    assert record == PersonRecord(
        id="ofac-1",
        names=("Abd al-Rahman AL-TIKRITI", "Abderrahmane Tikriti", "Abu Omar", "Abd al-Rahman Tikriti"),
        birth_dates=("1961-10-01", "1961"),
        nationalities=("iq", "JO"),
        gender="male",
        documents=("A1234567", "99-887"),
    )


def test_record_from_ftm_tolerates_missing_and_scalar_properties() -> None:
    assert record_from_ftm({"id": "x"}) == PersonRecord(id="x")
    assert record_from_ftm({"id": "y", "properties": {"name": "Ali"}}).names == ("Ali",)
