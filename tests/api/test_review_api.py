"""The review workflow over the API, under the nanyang profile: department → county → city."""
from __future__ import annotations

from api_client import api_entry, is_error
from api_office import as_, item_row


def queue(office, who: str, code: str) -> list[dict]:
    steps = as_(office, who).get("/reviews", params={"per_page": 200}).json()["items"]
    return [s for s in steps if s["item_code"] == code]


def test_a_county_entry_is_returned_resubmitted_and_approved_at_each_level(office):
    compiler = as_(office, "county_compiler")
    item = compiler.create(api_entry(office.seeded["orgs"]["county_dept"], name="县级送审测试"))
    code = item["code"]
    submitted = compiler.post(f"/items/{code}/submit", {"note": "请审核"})
    assert submitted.status_code == 201, submitted.text
    step = submitted.json()
    assert (step["level"], step["state"], step["round"], step["item_code"]) == ("county", "open", 1, code)
    assert compiler.get(f"/items/{code}").json()["status"] in ("submitted", "in_review")

    assert [s["id"] for s in queue(office, "county_reviewer", code)] == [step["id"]]
    assert queue(office, "other_county_reviewer", code) == [] and queue(office, "city_reviewer", code) == []
    assert queue(office, "county_compiler", code) == []

    reviewer = as_(office, "county_reviewer")
    remark = reviewer.post(f"/reviews/{step['id']}/comments", {"text": "共享依据请写明条款", "target": "share_basis"})
    assert remark.status_code == 201, remark.text
    assert (remark.json()["kind"], remark.json()["target"], remark.json()["actor"]) == ("comment", "share_basis", "county_reviewer")
    is_error(reviewer.post(f"/reviews/{step['id']}/comments", {"target": "share_basis"}), 422)
    is_error(reviewer.post(f"/reviews/{step['id']}/return", {}), 422)
    is_error(reviewer.post(f"/reviews/{step['id']}/return", {"reason": ""}), 422)
    returned = reviewer.post(f"/reviews/{step['id']}/return", {"reason": "共享依据不完整"})
    assert returned.status_code == 200, returned.text
    assert returned.json()["item_status"] == "draft" and returned.json()["step"]["state"] == "returned"
    assert returned.json()["step"]["decision_reason"] == "共享依据不完整"
    assert queue(office, "county_reviewer", code) == []

    fetched = compiler.get(f"/items/{code}")
    fixed = compiler.patch(f"/items/{code}", {"share_basis": "《南阳市政务数据共享管理办法》第十条"}, etag=fetched.headers["ETag"])
    assert fixed.status_code == 200, fixed.text
    again = compiler.post(f"/items/{code}/submit", {})
    assert again.status_code == 201 and again.json()["round"] == 2

    county = reviewer.post(f"/reviews/{again.json()['id']}/approve", {"comment": "同意"})
    assert county.status_code == 200, county.text
    city_step = county.json()["next_step"]
    assert city_step["level"] == "city" and county.json()["item_status"] != "published"
    assert [s["id"] for s in queue(office, "city_reviewer", code)] == [city_step["id"]]
    is_error(reviewer.post(f"/reviews/{city_step['id']}/approve", {}), 403)

    city = as_(office, "city_reviewer").post(f"/reviews/{city_step['id']}/approve", {})
    assert city.status_code == 200, city.text
    assert city.json()["next_step"] is None and city.json()["item_status"] == "published"
    assert item_row(office, code)[0] == "published"

    steps = compiler.get(f"/items/{code}/review").json()
    assert [(s["level"], s["round"], s["state"]) for s in steps] == [
        ("county", 1, "returned"), ("county", 2, "approved"), ("city", 2, "approved")]
    remarks = [e for e in steps[0]["events"] if e["kind"] == "comment"]
    assert [(e["target"], e["text"], e["actor"]) for e in remarks] == [
        (None, "请审核", "county_compiler"), ("share_basis", "共享依据请写明条款", "county_reviewer")]
    assert as_(office, "county_reviewer").get(f"/reviews/{steps[0]['id']}").json()["state"] == "returned"


def test_a_city_department_goes_straight_to_the_city_and_may_withdraw(office):
    compiler = as_(office, "compiler")
    item = compiler.create(api_entry(office.seeded["orgs"]["dept"], name="市级送审撤回测试"))
    step = compiler.post(f"/items/{item['code']}/submit", {}).json()
    assert step["level"] == "city"
    is_error(compiler.post(f"/items/{item['code']}/submit", {}), 409)
    assert compiler.post(f"/items/{item['code']}/withdraw").status_code == 204
    assert compiler.get(f"/items/{item['code']}").json()["status"] == "draft"
    is_error(as_(office, "city_reviewer").post(f"/reviews/{step['id']}/approve", {}), 409)


def test_unknown_steps_are_404(office):
    reviewer = as_(office, "city_reviewer")
    is_error(reviewer.get("/reviews/999999"), 404)
    is_error(reviewer.post("/reviews/999999/approve", {}), 404)
    is_error(as_(office, None).get("/reviews"), 401)
