"""Each reliability check, small (``make test``) and full (``-m slow``; the figures in
RELIABILITY.md come from the full runs).  A check returns its violations: a test fails with
them listed."""

from __future__ import annotations

import pytest

from reliability import auth, churn, crash_loop, exposure, fuzz, resources


def assert_ok(result) -> None:
    print(result.render())
    assert result.ok, "\n".join(result.violations[:30])


@pytest.mark.timeout(180)
def test_crash_loop_fast(tmp_path):
    result = crash_loop.run(n=2, workdir=tmp_path)
    assert_ok(result)
    assert result.figures["lost"] == 0 and result.figures["acknowledged"] > 0
    # the Kafka clients took part: acknowledged produces and acknowledged group commits
    assert result.figures["kafka_acknowledged"] > 0 and result.figures["kafka_commits"] > 0


@pytest.mark.timeout(180)
def test_fuzz_fast(tmp_path):
    result = fuzz.run(n=300, seed=7, workdir=tmp_path)
    assert_ok(result)
    assert result.figures["5xx"] == 0 and result.figures["canary_intact"]
    assert result.figures["kafka_cases"] == 100 and result.figures["kafka_real_client_after"]


@pytest.mark.timeout(180)
def test_churn_fast(tmp_path):
    result = churn.run(n=40, seed=3, workdir=tmp_path)
    assert_ok(result)
    assert result.figures["never_delivered"] == 0


@pytest.mark.timeout(180)
def test_auth_matrix_fast(tmp_path):
    result = auth.run(n=4, seed=5, workdir=tmp_path)
    assert_ok(result)
    assert result.figures["accepted"] == 0 and result.figures["requests"] >= 4 * 20


@pytest.mark.timeout(240)
def test_resources_fast(tmp_path):
    result = resources.run(n=300, mb=16, workdir=tmp_path)
    assert_ok(result)


@pytest.mark.timeout(180)
def test_exposure(tmp_path):
    assert_ok(exposure.run(workdir=tmp_path))


def test_secret_scanner_finds_a_planted_secret():
    """The exposure check would notice a leak (so its zero is not vacuous)."""
    result = exposure.Result("x")
    secrets = {"fingerprint": "12:34:56:78:9a:bc:de:f0:12:34:56:78:9a:bc:de:f0"}
    assert exposure._scan(
        "keyId=ocid1.tenancy/ocid1.user/12:34:56:78:9a:bc:de:f0:12:34:56:78:9a:bc:de:f0",
        secrets,
        "t",
        result,
    )
    assert exposure._scan("-----BEGIN PRIVATE KEY-----", {}, "t", result)
    assert exposure._scan("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4eHh4In0.c2ln", {}, "t", result)
    assert len(result.violations) == 3


# -- full versions: the figures in RELIABILITY.md ----------------------------------------------------


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_crash_loop_full(tmp_path):
    assert_ok(crash_loop.run(n=10, workdir=tmp_path))


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_fuzz_full(tmp_path):
    assert_ok(fuzz.run(workdir=tmp_path))


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_churn_full(tmp_path):
    assert_ok(churn.run(workdir=tmp_path))


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_auth_matrix_full(tmp_path):
    assert_ok(auth.run(n=0, workdir=tmp_path))


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_resources_full(tmp_path):
    assert_ok(resources.run(n=1500, mb=200, workdir=tmp_path))
