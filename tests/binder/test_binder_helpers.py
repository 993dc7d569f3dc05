"""labhelpers.binder: Binder detection, the browser's URL for localoci, and the oci-target guard."""

from __future__ import annotations

import pytest

from labhelpers.binder import BINDER_ENV, guard_oci_target, on_binder, public_url, under_jupyterhub
from labhelpers.connect import LabConfigError


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in (
        *BINDER_ENV,
        "LAB_ON_BINDER",
        "LAB_INSIST_OCI",
        "LAB_PROXY_BASE",
        "JUPYTERHUB_SERVICE_PREFIX",
    ):
        monkeypatch.delenv(name, raising=False)


def test_a_laptop_is_not_binder():
    assert not on_binder()
    assert not under_jupyterhub()


@pytest.mark.parametrize("name", BINDER_ENV)
def test_any_variable_binderhub_sets_means_binder(monkeypatch, name):
    monkeypatch.setenv(name, "https://mybinder.org")
    assert on_binder()


def test_lab_on_binder_overrides_detection(monkeypatch):
    monkeypatch.setenv("BINDER_LAUNCH_HOST", "https://mybinder.org/")
    monkeypatch.setenv("LAB_ON_BINDER", "0")
    assert not on_binder()


def test_oci_target_is_refused_on_binder_with_both_ways_out_named(monkeypatch):
    monkeypatch.setenv("BINDER_REPO_URL", "https://github.com/example/lab")
    with pytest.raises(LabConfigError) as err:
        guard_oci_target("oci")
    assert "LAB_INSIST_OCI=1" in str(err.value) and "insist=True" in str(err.value)
    assert "make lab" in str(err.value)


def test_the_learner_can_insist(monkeypatch):
    monkeypatch.setenv("BINDER_REPO_URL", "https://github.com/example/lab")
    guard_oci_target("oci", insist=True)
    monkeypatch.setenv("LAB_INSIST_OCI", "1")
    guard_oci_target(" OCI ")


def test_local_target_and_laptops_are_never_refused(monkeypatch):
    guard_oci_target("oci")
    monkeypatch.setenv("BINDER_REPO_URL", "https://github.com/example/lab")
    guard_oci_target("local")


def test_public_url_goes_through_the_hub_prefix(monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/ab-lab-x1y2/")
    assert under_jupyterhub()
    assert (
        public_url("http://127.0.0.1:18730/_gateway/k3y/v1/hello?name=ana")
        == "/user/ab-lab-x1y2/proxy/18730/_gateway/k3y/v1/hello?name=ana"
    )
    assert public_url("http://localhost:18730") == "/user/ab-lab-x1y2/proxy/18730/"


def test_public_url_leaves_reachable_urls_alone(monkeypatch):
    url = "http://127.0.0.1:18730/_gateway/k3y/v1/hello"
    assert public_url(url) == url  # make lab: the browser is on this machine
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/x/")
    real = "https://k3y.apigateway.us-ashburn-1.oci.customer-oci.com/v1/hello"
    assert public_url(real) == real  # a real gateway is public already


def test_an_explicit_base_wins(monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/x/")
    monkeypatch.setenv("LAB_PROXY_BASE", "https://lab.example.org/jupyter/")
    assert (
        public_url("http://127.0.0.1:9/_gateway/a/b")
        == "https://lab.example.org/jupyter/proxy/9/_gateway/a/b"
    )
    assert public_url("http://127.0.0.1:9/p", base="/") == "/proxy/9/p"
