"""CKAN clients read the published catalog: ckanapi against a served instance, as against CKAN."""
from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import ckanapi
import pytest


@pytest.fixture(scope="module")
def ckan(site):
    with ckanapi.RemoteCKAN(site.base) as remote:
        yield remote


def names(result: dict) -> set[str]:
    return {package["title"] for package in result["results"]}


def test_search_finds_published_items_and_never_drafts(ckan, site):
    everything = ckan.action.package_search(rows=100)
    assert everything["count"] == len(site.published) == len(everything["results"])
    assert names(everything) == set(site.published)
    assert names(ckan.action.package_search(q="涉案")) == {"企业涉案信息"}
    assert names(ckan.action.package_search(q="食品 许可")) == {"食品经营许可信息"}
    assert not names(ckan.action.package_search(q="草稿"))


def test_a_package_carries_ckan_keys_and_the_catalog_elements(ckan, site):
    code = site.published["企业登记信息"]
    package = ckan.action.package_show(id=code)
    assert package["id"] == code and package["name"] == code.replace("/", "-")
    assert package["title"] == "企业登记信息" and package["type"] == "dataset" and package["state"] == "active"
    assert package["organization"]["name"] == site.org_codes["dept"].lower()
    assert package["organization"]["title"] == "南阳市市场监督管理局" and package["owner_org"] == site.org_codes["dept"]
    assert [t["name"] for t in package["tags"]] == ["市场监管", "企业"] and package["num_tags"] == 2
    assert package["num_resources"] == len(package["resources"]) == 1
    assert package["resources"][0]["format"] and package["resources"][0]["url"].endswith(code)
    extras = {e["key"]: e["value"] for e in package["extras"]}
    assert extras["code"] == code and extras["share_type"] == "unconditional" and extras["update_cycle"] == "daily"
    assert extras["share_type_label"] == "无条件共享"
    assert [f["name"] for f in package["mulu_fields"]] == ["统一社会信用代码", "企业名称", "成立日期"]
    assert package["metadata_created"] and "+" not in package["metadata_modified"]
    assert ckan.action.package_show(id=package["name"])["id"] == code  # the name works as well as the id


def test_drafts_and_unknown_packages_are_not_found(ckan, site):
    for wanted in [site.drafts["企业内部草稿"], "no-such-dataset"]:
        with pytest.raises(ckanapi.NotFound):
            ckan.action.package_show(id=wanted)


def test_package_list_pages_through_published_names(ckan, site):
    listed = ckan.action.package_list()
    assert listed == sorted(code.replace("/", "-") for code in site.published.values())
    assert ckan.action.package_list(limit=2, offset=1) == listed[1:3]


def test_filters_and_facets_speak_ckan(ckan, site):
    dept = site.org_codes["dept"].lower()
    by_org = ckan.action.package_search(fq=f"organization:{dept}", **{"facet.field": ["organization", "res_format", "groups"]})
    assert names(by_org) == {"企业登记信息", "个体工商户名录", "营业执照电子证照"}
    organizations = by_org["search_facets"]["organization"]["items"]
    assert organizations == [{"name": dept, "display_name": "南阳市市场监督管理局", "count": 3}]
    assert by_org["facets"]["res_format"] == {"database": 2, "electronic_file": 1}
    assert by_org["facets"]["groups"] == {"3-07": 3}
    files = ckan.action.package_search(fq=f"+organization:{dept} AND res_format:electronic_file")
    assert names(files) == {"营业执照电子证照"}
    # A county stands for everything below it, as in the catalog's own search.
    county = ckan.action.package_search(fq=f"organization:{site.org_codes['county']}")
    assert names(county) == {"食品经营许可信息"}
    either = ckan.action.package_search(fq="share_type:(conditional OR 无条件共享) update_cycle:monthly")
    assert names(either) == {"个体工商户名录"}


def test_all_facets_when_no_filter_and_limits(ckan, site):
    result = ckan.action.package_search(rows=0, **{"facet.field": json.dumps(["organization", "tags"]), "facet.limit": 1})
    assert result["results"] == [] and result["count"] == len(site.published)
    assert list(result["facets"]["organization"].values()) == [3]  # the largest provider only
    assert result["search_facets"]["tags"] == {"title": "tags", "items": []}


def test_paging_with_start_and_rows(ckan, site):
    ordered = [p["id"] for p in ckan.action.package_search(sort="metadata_modified desc", rows=5)["results"]]
    assert len(ordered) == 5
    assert [p["id"] for p in ckan.action.package_search(sort="metadata_modified desc", rows=3, start=1)["results"]] == ordered[1:4]
    assert [p["id"] for p in ckan.action.package_search(sort="metadata_modified desc", rows=2, start=4)["results"]] == ordered[4:]


@pytest.mark.parametrize("params, field", [
    ({"fq": "license_id:cc-by"}, "fq"),
    ({"fq": "-organization:x"}, "fq"),
    ({"fq": "tags:企业"}, "fq"),
    ({"sort": "title_string asc"}, "sort"),
    ({"rows": 1001}, "rows"),
    ({"rows": "ten"}, "rows"),
    ({"start": -1}, "start"),
    ({"facet.field": ["license"]}, "facet.field"),
])
def test_bad_parameters_are_validation_errors(ckan, params, field):
    with pytest.raises(ckanapi.ValidationError) as caught:
        ckan.action.package_search(**params)
    error = caught.value.error_dict
    assert error["__type"] == "Validation Error" and error[field]


def test_organizations(ckan, site):
    dept, other, county_dept = (site.org_codes[k].lower() for k in ("dept", "other_dept", "county_dept"))
    assert ckan.action.organization_list() == sorted([dept, other, county_dept])
    full = ckan.action.organization_list(all_fields=True, sort="package_count desc")
    assert (full[0]["name"], full[0]["package_count"]) == (dept, 3)
    assert ckan.action.organization_list(limit=1, offset=1) == sorted([dept, other, county_dept])[1:2]
    shown = ckan.action.organization_show(id=dept, include_datasets=True)
    assert shown["title"] == "南阳市市场监督管理局" and shown["package_count"] == 3
    assert {p["title"] for p in shown["packages"]} == {"企业登记信息", "个体工商户名录", "营业执照电子证照"}
    assert ckan.action.organization_show(id=site.org_codes["dept"])["name"] == dept  # by code too
    with pytest.raises(ckanapi.NotFound):
        ckan.action.organization_show(id="no-such-org")


def test_status_and_the_envelope(ckan, site):
    status = ckan.action.status_show()
    assert status["ckan_version"].startswith("2.") and status["site_url"] == site.base
    with urllib.request.urlopen(site.base + "/api/3/action/package_show?id=" + site.published["企业涉案信息"]) as response:
        body = json.loads(response.read())
    assert body["success"] is True and body["help"].startswith(site.base + "/api/3/action/help_show")
    assert body["result"]["title"] == "企业涉案信息"
    try:
        urllib.request.urlopen(site.base + "/api/3/action/package_show?id=nothing")
    except urllib.error.HTTPError as exc:
        assert exc.code == 404
        assert json.loads(exc.read())["error"]["__type"] == "Not Found Error"


def test_get_only_clients_send_lists_as_json(site):
    with ckanapi.RemoteCKAN(site.base, get_only=True) as remote:
        result = remote.action.package_search(fq="share_type:conditional", **{"facet.field": json.dumps(["organization"])})
    assert names(result) == {"企业涉案信息"} and result["facets"]["organization"] == {site.org_codes["other_dept"].lower(): 1}


def test_the_api_is_read_only_and_knows_its_actions(ckan):
    with pytest.raises(ckanapi.NotAuthorized):
        ckan.action.package_create(name="x")
    with pytest.raises(ckanapi.CKANAPIError):
        ckan.action.no_such_action()


def test_a_token_reads_with_its_users_scope(site):
    draft = site.drafts["企业内部草稿"]
    with ckanapi.RemoteCKAN(site.base, apikey=site.token) as mine:
        assert mine.action.package_show(id=draft)["title"] == "企业内部草稿"
        assert "企业内部草稿" in names(mine.action.package_search(q="草稿"))
        assert "公安草稿数据" not in names(mine.action.package_search(q="草稿"))
    with ckanapi.RemoteCKAN(site.base, apikey="mulu_not-a-token") as stranger, pytest.raises(ckanapi.NotAuthorized):
        stranger.action.package_search()


def test_the_ckanapi_command_line(site):
    cli = Path(sys.executable).with_name("ckanapi")
    done = subprocess.run([str(cli), "action", "package_search", "-r", site.base, "q=营业执照"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert [p["title"] for p in result["results"]] == ["营业执照电子证照"]
