"""ops/offline/analyzer.py: the policy pack started as the CLI starts it, driven over the analyzer protocol.

Uses the tiny fixture pack in tests/fixtures/tiny_pack (independent of the real pack's rules):
- bucket-size (resource, mandatory): Bucket ``size`` must not exceed ``maxSize`` (integer >= 1, default 10);
  ``label`` is an enum a|b (default a);
- tags-present (resource, advisory, no config): every resource must have ``tags``; raises on type Boom;
- resource-count (stack, advisory): at most ``maxResources`` (number, default 2, required) resources.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ops.offline.analyzer import (
    Diagnostic,
    PackResource,
    PackRuntimeError,
    PackStartError,
    PolicyConfigError,
    PolicyInfo,
    PolicyPackPool,
    PolicyPackRunner,
    effective_config,
    load_policy_config,
)

ROOT = Path(__file__).resolve().parents[3]
TINY_PACK = ROOT / "tests" / "fixtures" / "tiny_pack"


def bucket(name: str, size: int, **props: object) -> PackResource:
    return PackResource(
        "test:index:Bucket", name, f"urn:pulumi:dev::p::test:index:Bucket::{name}", {"size": size, **props}
    )


def gone(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return True
    return False


def wait_until_gone(pid: int, timeout: float = 60.0) -> bool:
    """Whether the process group ``pid`` ends within ``timeout`` s (an orphan is reaped by init, which
    can take a while on a loaded machine); returns as soon as it is gone."""
    deadline = time.monotonic() + timeout
    while not gone(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.fixture(scope="module")
def pack() -> Iterator[PolicyPackRunner]:
    with PolicyPackRunner(TINY_PACK, project="p", stack="dev") as runner:
        yield runner


@pytest.fixture
def fresh(pack: PolicyPackRunner) -> PolicyPackRunner:
    """The shared pack, configured with nothing but the defaults."""
    pack.configure({})
    return pack


# ---------------------------------------------------------------------------------------------------------
# Lifecycle
# ---------------------------------------------------------------------------------------------------------


def test_start_ready_and_reaped_on_close() -> None:
    runner = PolicyPackRunner(TINY_PACK, project="p", stack="dev")
    runner.start()
    runner.wait_ready(timeout=30)
    pid = runner.pid
    assert pid is not None and runner.port is not None and runner.port > 0
    assert not gone(pid)
    assert [p.name for p in runner.info()] == ["bucket-size", "tags-present", "resource-count"]

    runner.close()

    assert gone(pid)
    assert runner.pid is None and runner.port is None
    runner.close()  # idempotent


def test_reaped_after_an_exception_in_the_with_block() -> None:
    pid = None
    with (
        pytest.raises(ValueError, match=r"^in the block$"),
        PolicyPackRunner(TINY_PACK, project="p", stack="dev") as r,
    ):
        pid = r.pid
        raise ValueError("in the block")
    assert pid is not None and gone(pid)


@pytest.mark.parametrize(
    ("sig", "exit_code"),
    [
        (
            signal.SIGINT,
            -signal.SIGINT,
        ),  # Ctrl-C: KeyboardInterrupt unwinds the with block, then exits by SIGINT
        (signal.SIGTERM, 128 + signal.SIGTERM),  # turned into SystemExit, so the with block unwinds
        (signal.SIGKILL, -signal.SIGKILL),  # nothing runs in the parent: the pack dies with it (PDEATHSIG)
    ],
)
def test_reaped_when_the_parent_is_interrupted_or_killed(
    tmp_path: Path, sig: signal.Signals, exit_code: int
) -> None:
    script = tmp_path / "driver.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import faulthandler, signal, sys, time
            faulthandler.dump_traceback_later(60)  # stacks on stderr if this ever hangs
            # A shell's background job inherits SIGINT ignored: give the driver the dispositions of a
            # foreground program, whatever started this test.
            signal.signal(signal.SIGINT, signal.default_int_handler)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            from pathlib import Path
            sys.path.insert(0, {str(ROOT)!r})
            from ops.offline.analyzer import PolicyPackRunner
            with PolicyPackRunner(Path({str(TINY_PACK)!r}), project="p", stack="dev") as r:
                print(r.pid, flush=True)
                time.sleep(60)
            """
        )
    )
    driver = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert driver.stdout is not None
        line = driver.stdout.readline()  # printed once the pack is ready (or EOF if the driver died)
        if not line.strip():
            driver.kill()
            _, stderr = driver.communicate()
            pytest.fail(f"the driver died before the pack was ready:\n{stderr.decode(errors='replace')}")
        pack_pid = int(line)
        assert not gone(pack_pid)
        driver.send_signal(sig)
        try:
            returncode = driver.wait(timeout=90)
        except subprocess.TimeoutExpired:
            driver.kill()
            _, stderr = driver.communicate()
            pytest.fail(f"the driver did not exit after {sig.name}:\n{stderr.decode(errors='replace')}")
    finally:
        driver.kill()
        driver.wait()
    assert wait_until_gone(pack_pid), f"the pack (pid {pack_pid}) outlived its driver"
    assert returncode == exit_code


def test_pack_that_raises_on_start_shows_its_stderr(tmp_path: Path) -> None:
    (tmp_path / "__main__.py").write_text('raise RuntimeError("the pack is broken: missing rules module")\n')
    runner = PolicyPackRunner(tmp_path, project="p", stack="dev")

    with pytest.raises(PackStartError) as err:
        runner.start()
        runner.wait_ready(timeout=30)

    assert str(err.value).startswith(
        f"policy pack {tmp_path} exited with code 1 before it was ready\n--- pack stderr ---\n"
    )
    assert "RuntimeError: the pack is broken: missing rules module" in err.value.stderr
    assert err.value.returncode is None or err.value.returncode == 1
    assert runner.pid is None


def test_pack_that_prints_before_its_port_is_reported(tmp_path: Path) -> None:
    (tmp_path / "__main__.py").write_text('print("hello from the pack")\nimport time\ntime.sleep(30)\n')

    with pytest.raises(PackStartError) as err, PolicyPackRunner(tmp_path, project="p", stack="dev"):
        pass

    assert str(err.value) == (
        f"policy pack {tmp_path} printed b'hello from the pack' instead of its port as the first line of "
        "stdout; remove prints that run before PolicyPack(...)"
    )


def test_directory_without_main_is_not_a_pack(tmp_path: Path) -> None:
    with pytest.raises(PackStartError, match=r"not a Python policy pack \(no __main__.py\)$"):
        PolicyPackRunner(tmp_path, project="p", stack="dev").start()


def test_pack_that_never_prints_times_out(tmp_path: Path) -> None:
    (tmp_path / "__main__.py").write_text("import time\ntime.sleep(30)\n")
    runner = PolicyPackRunner(tmp_path, project="p", stack="dev")
    runner.start()
    pid = runner.pid
    assert pid is not None

    with pytest.raises(PackStartError, match=r"did not print its port within 1s$"):
        runner.wait_ready(timeout=1)
    assert gone(pid)


def test_environment_is_the_clis(tmp_path: Path) -> None:
    (tmp_path / "__main__.py").write_text(
        "import os, sys\n"
        "keys = ['PULUMI_PROJECT', 'PULUMI_STACK', 'PULUMI_DRY_RUN', 'PULUMI_CONFIG']\n"
        "print({k: os.environ.get(k) for k in keys}, os.getcwd(), sys.argv[1:], file=sys.stderr)\n"
        "raise SystemExit(3)\n"
    )
    runner = PolicyPackRunner(
        tmp_path, project="proj", stack="prod", dry_run=False, stack_config={"aws:region": "eu-west-2"}
    )

    with pytest.raises(PackStartError) as err:
        runner.start()
        runner.wait_ready()

    env = {
        "PULUMI_PROJECT": "proj",
        "PULUMI_STACK": "prod",
        "PULUMI_DRY_RUN": "false",
        "PULUMI_CONFIG": json.dumps({"aws:region": "eu-west-2"}),
    }
    assert f"{env} {tmp_path}" in err.value.stderr
    assert "exited with code 3" in str(err.value)


# ---------------------------------------------------------------------------------------------------------
# Protocol
# ---------------------------------------------------------------------------------------------------------


def test_info_lists_policies_with_levels_and_schemas(pack: PolicyPackRunner) -> None:
    assert pack.info() == [
        PolicyInfo(
            name="bucket-size",
            description="Checks that buckets are small.",
            enforcement_level="mandatory",
            config_schema={
                "type": "object",
                "properties": {
                    "maxSize": {"type": "integer", "minimum": 1, "default": 10},
                    "label": {"type": "string", "enum": ["a", "b"], "default": "a"},
                },
            },
            policy_type="resource",
        ),
        PolicyInfo("tags-present", "Checks that resources have tags.", "advisory", {}, "resource"),
        PolicyInfo(
            name="resource-count",
            description="Checks that the stack is small.",
            enforcement_level="advisory",
            config_schema={
                "type": "object",
                "properties": {"maxResources": {"type": "number", "default": 2}},
                "required": ["maxResources"],
            },
            policy_type="stack",
        ),
    ]
    assert (pack.pack_name, pack.pack_version) == ("tiny-pack", "0.0.1")


def test_configure_merges_schema_defaults_and_sends_every_policy(pack: PolicyPackRunner) -> None:
    pack.configure({"bucket-size": {"label": "b"}})

    assert pack.effective_config == {
        "bucket-size": {"enforcementLevel": "mandatory", "properties": {"maxSize": 10, "label": "b"}},
        "tags-present": {"enforcementLevel": "advisory", "properties": {}},
        "resource-count": {"enforcementLevel": "advisory", "properties": {"maxResources": 2}},
    }
    # The pack sees the default maxSize of 10 (the SDK itself would give the rule None).
    assert pack.analyze(bucket("small", 10, tags={})) == []
    assert pack.analyze(bucket("big", 11, tags={})) == [
        Diagnostic(
            policy_name="bucket-size",
            policy_pack_name="tiny-pack",
            description="Checks that buckets are small.",
            message="Bucket 'big' size 11 must not exceed 10; lower size.",
            enforcement_level="mandatory",
            urn="urn:pulumi:dev::p::test:index:Bucket::big",  # filled in, as the CLI does
        )
    ]


def test_config_overrides_values_and_enforcement_levels(pack: PolicyPackRunner) -> None:
    pack.configure(
        {"bucket-size": {"enforcementLevel": "advisory", "maxSize": 5}, "tags-present": "mandatory"}
    )

    assert [(d.policy_name, d.enforcement_level, d.message) for d in pack.analyze(bucket("b", 7))] == [
        ("bucket-size", "advisory", "Bucket 'b' size 7 must not exceed 5; lower size."),
        ("tags-present", "mandatory", "Resource 'b' must have tags; add tags."),
    ]

    pack.configure({"all": "disabled"})
    assert pack.analyze(bucket("b", 70)) == []


def test_analyze_stack_runs_stack_policies_once(fresh: PolicyPackRunner) -> None:
    resources = [bucket(str(i), 1, tags={}) for i in range(3)]

    assert [(d.policy_name, d.message, d.urn) for d in fresh.analyze_stack(resources)] == [
        ("resource-count", "Stack has 3 resources; it must have at most 2.", "")
    ]
    fresh.configure({"resource-count": {"maxResources": 3}})
    assert fresh.analyze_stack(resources) == []


def test_analyze_many_matches_one_by_one(fresh: PolicyPackRunner) -> None:
    resources = [bucket(f"b{i}", i, **({"tags": {}} if i % 2 else {})) for i in range(40)]

    one_by_one = [d for r in resources for d in fresh.analyze(r)]
    assert fresh.analyze_many(resources, workers=4) == one_by_one
    assert len(one_by_one) == 20 + 29  # 20 untagged, sizes 11..39 over the default 10


def test_pool_of_two_packs_gives_the_same_diagnostics_and_reaps_both() -> None:
    resources = [bucket(f"b{i}", i, **({"tags": {}} if i % 2 else {})) for i in range(20)]
    with PolicyPackRunner(TINY_PACK, project="p", stack="dev") as single:
        single.configure({"bucket-size": {"maxSize": 4}})
        expected = single.analyze_many(resources, workers=1)
        expected_stack = single.analyze_stack(resources)

    with PolicyPackPool(TINY_PACK, processes=2, project="p", stack="dev") as pool:
        pids = [r.pid for r in pool.runners]
        pool.configure({"bucket-size": {"maxSize": 4}})
        assert pool.effective_config["bucket-size"]["properties"] == {"maxSize": 4, "label": "a"}
        assert pool.analyze_many(resources, workers=2) == expected
        assert pool.analyze_stack(resources) == expected_stack
    assert len(set(pids)) == 2 and all(pid is not None and gone(pid) for pid in pids)


def test_non_json_property_values_are_sent_as_strings(fresh: PolicyPackRunner) -> None:
    resource = bucket("odd", 11, tags=("a", "b"), path=Path("/x"))
    assert [d.policy_name for d in fresh.analyze(resource)] == ["bucket-size"]


def test_a_rule_that_raises_is_a_pack_runtime_error_with_stderr(fresh: PolicyPackRunner) -> None:
    boom = PackResource("test:index:Boom", "boom", "urn:boom", {})

    with pytest.raises(PackRuntimeError) as err:
        fresh.analyze(boom)

    assert str(err.value).startswith("policy pack Analyze failed: ")
    assert "boom: the rule crashed" in str(err.value)


# ---------------------------------------------------------------------------------------------------------
# Config validation (exact messages)
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {"bucket-size": {"maxSize": "big"}},
            "policy 'bucket-size': property 'maxSize': 'big' is not of type 'integer'; "
            "fix the value in the policy config",
        ),
        (
            {"bucket-size": {"maxSize": 0, "label": "c"}},
            "policy 'bucket-size': property 'label': 'c' is not one of ['a', 'b']; fix the value in the "
            "policy config; policy 'bucket-size': property 'maxSize': 0 is less than the minimum of 1; fix "
            "the value in the policy config",
        ),
        (
            {"bucket-size": {"maxsize": 3}},
            "policy 'bucket-size': unknown config property 'maxsize'; use one of: label, maxSize",
        ),
        (
            {"tags-present": {"strict": True}},
            "policy 'tags-present': unknown config property 'strict'; use one of: none",
        ),
        (
            {"bucket-sizes": "mandatory", "nope": {}},
            "policy config names unknown policies 'bucket-sizes', 'nope'; remove it or use one of: "
            "bucket-size, resource-count, tags-present",
        ),
        (
            {"bucket-size": "required"},
            "policy 'bucket-size': enforcementLevel \"required\" is not valid; use one of: advisory, "
            "mandatory, disabled, remediate",
        ),
        (
            {"bucket-size": {"enforcementLevel": "warn"}},
            "policy 'bucket-size': enforcementLevel \"warn\" is not valid; use one of: advisory, mandatory, "
            "disabled, remediate",
        ),
    ],
)
def test_config_errors_name_policy_property_and_fix(
    pack: PolicyPackRunner, config: dict[str, object], message: str
) -> None:
    with pytest.raises(PolicyConfigError) as err:
        pack.configure(config)
    assert str(err.value) == message


def test_required_property_without_default_is_an_error() -> None:
    policy = PolicyInfo(
        "quota",
        "Checks that quotas hold.",
        "advisory",
        {"type": "object", "properties": {"limit": {"type": "number"}}, "required": ["limit"]},
    )

    with pytest.raises(PolicyConfigError) as err:
        effective_config([policy], {})
    assert str(err.value) == "policy 'quota': 'limit' is a required property; add it to the policy's config"
    assert effective_config([policy], {"quota": {"limit": 3}}) == {
        "quota": {"enforcementLevel": "advisory", "properties": {"limit": 3}}
    }


def test_load_policy_config_reads_the_cli_format(tmp_path: Path) -> None:
    path = tmp_path / "dev.json"
    path.write_text(json.dumps({"a": "mandatory", "b": {"enforcementLevel": "advisory", "max": 3}}))
    assert load_policy_config(path) == {"a": "mandatory", "b": {"enforcementLevel": "advisory", "max": 3}}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{\n  "a": "mandatory",\n  "b": {,}\n}',
            "{path}:3:9: invalid JSON: Expecting property name enclosed in double quotes",
        ),
        (
            '["a"]',
            "{path}: the policy config must be a JSON object mapping policy names to a level or an object",
        ),
        (
            '{"a": 3}',
            "{path}: policy 'a' must map to an enforcement level (advisory, mandatory, disabled, remediate) "
            "or an object, got 3",
        ),
    ],
)
def test_load_policy_config_errors_name_the_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(PolicyConfigError) as err:
        load_policy_config(path)
    assert str(err.value) == message.format(path=path)


def test_load_policy_config_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyConfigError) as err:
        load_policy_config(tmp_path / "missing.json")
    assert (
        str(err.value)
        == f"{tmp_path / 'missing.json'}: cannot read the policy config file: No such file or directory"
    )
