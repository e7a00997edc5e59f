"""Parallel runs: ``--jobs N`` output is byte-identical to ``--jobs 1``, in every format.

Files are linted in forked worker processes and the results merged in a stable
order. These tests compare the bytes the CLI prints for ``--jobs 1`` and
``--jobs 2`` on the labelled cases, on a generated mixed corpus (policies,
templates, Terraform: more than 50 files, so the default picks several jobs) and
on the third-party corpus in ../shared/corpus (skipped when it is absent). The
two runs use different hash seeds, so an output that depends on set or dict
ordering of strings shows up too.
"""
import os
import subprocess
import sys

import pytest
from conftest import ROOT, SHARED

from linter import engine
from linter.engine import Options

CASES = os.path.join(ROOT, "tests", "cases")
FORMATS = ("text", "json", "sarif")


def cli(args, cwd, seed):
    env = dict(os.environ, PYTHONHASHSEED=str(seed), NO_COLOR="1")
    r = subprocess.run([sys.executable, "-m", "linter.cli", *args], cwd=cwd, env=env,
                       capture_output=True, timeout=300)
    assert b"Traceback" not in r.stderr, r.stderr.decode(errors="replace")
    assert r.returncode in (0, 1), r.stderr.decode(errors="replace")
    return r


def outputs(path, jobs, cwd, tmp_path, seed):
    """{format: bytes} from two CLI runs: text on stdout, then JSON on stdout with SARIF beside it."""
    sarif = tmp_path / f"out-{jobs}-{seed}.sarif"
    text = cli(["--jobs", str(jobs), path], cwd, seed).stdout
    js = cli(["--jobs", str(jobs), "--format", "json", "--sarif-file", str(sarif), path], cwd, seed).stdout
    return {"text": text, "json": js, "sarif": sarif.read_bytes()}


def assert_identical(a, b):
    for fmt in FORMATS:
        assert a[fmt], f"{fmt}: no output"
        if a[fmt] != b[fmt]:
            la, lb = a[fmt].splitlines(), b[fmt].splitlines()
            first = next((i for i, (x, y) in enumerate(zip(la, lb)) if x != y), min(len(la), len(lb)))
            pytest.fail(f"{fmt} output differs between --jobs 1 and --jobs 2 at line {first + 1}:\n"
                        f"  jobs 1: {la[first] if first < len(la) else '<end>'!r}\n"
                        f"  jobs 2: {lb[first] if first < len(lb) else '<end>'!r}")


def test_cases_jobs_1_and_2_identical(tmp_path):
    a = outputs("cases", 1, os.path.dirname(CASES), tmp_path, seed=1)
    b = outputs("cases", 2, os.path.dirname(CASES), tmp_path, seed=2)
    assert_identical(a, b)
    assert b"SM101" in a["text"]


@pytest.fixture(scope="module")
def mixed_corpus(tmp_path_factory):
    """A small generated corpus: 40 policies, 25 templates, 10 .tf files (75 files > 50)."""
    sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
    try:
        import gen_corpus
    finally:
        sys.path.pop(0)
    out = tmp_path_factory.mktemp("mixed")
    gen_corpus.generate(str(out / "corpus"), seed=3, n_policies=40, n_templates=25, n_terraform=10)
    return out


def test_generated_corpus_default_jobs_identical(mixed_corpus, tmp_path):
    """The default (automatic) job count on > 50 files gives the same bytes as --jobs 1."""
    a = outputs("corpus", 1, str(mixed_corpus), tmp_path, seed=5)
    sarif = tmp_path / "default.sarif"
    b = {"text": cli(["corpus"], str(mixed_corpus), 6).stdout,
         "json": cli(["--format", "json", "--sarif-file", str(sarif), "corpus"], str(mixed_corpus), 6).stdout}
    b["sarif"] = sarif.read_bytes()
    assert_identical(a, b)
    text = a["text"].decode()
    for code in ("SM101", "SM201", "IAM301"):
        assert code in text


def test_shared_corpus_jobs_1_and_2_identical(monkeypatch):
    """The third-party corpus (../shared/corpus), through the engine and the reporters."""
    if not os.path.isdir(os.path.join(SHARED, "corpus")):
        pytest.skip(f"{SHARED}/corpus is not available (../shared is only present beside a checkout in CI "
                    "and dev sessions)")
    from linter import __version__
    from linter.reporters import render

    monkeypatch.chdir(SHARED)  # display paths relative to ../shared, as a user would run it
    res = {}
    for jobs in (1, 2):
        opts = Options(jobs=jobs)
        codes = engine.selected_codes(opts)
        result = engine.run(["corpus"], opts, codes)
        meta = {"version": __version__, "codes": codes, "show_suppressed": False, "color": False}
        res[jobs] = {fmt: render(fmt, result, meta).encode() for fmt in FORMATS}
    assert result.files > 100
    assert_identical(res[1], res[2])


def test_auto_jobs():
    assert engine.auto_jobs(0) == 1
    assert engine.auto_jobs(1) == 1
    assert engine.auto_jobs(50) == 1
    assert engine.auto_jobs(51) == max(1, min(os.cpu_count() or 1, 32))
    assert engine.auto_jobs(10_000) <= 32


def _spy_pools(monkeypatch):
    import multiprocessing

    made = []
    real = multiprocessing.get_context

    def get_context(method=None):
        ctx = real(method)

        class Spy:
            def __getattr__(self, name):
                return getattr(ctx, name)

            def Pool(self, processes=None, *a, **kw):  # noqa: N802 - mirrors multiprocessing
                made.append(processes)
                return ctx.Pool(processes, *a, **kw)

        return Spy()

    monkeypatch.setattr(multiprocessing, "get_context", get_context)
    return made


def test_default_jobs_one_process_for_few_files(tmp_path, monkeypatch):
    made = _spy_pools(monkeypatch)
    for i in range(5):
        (tmp_path / f"p{i}.json").write_text('{"Version": "2012-10-17", "Statement": []}')
    monkeypatch.chdir(tmp_path)
    res = engine.run(["."], Options())
    assert res.files == 5
    assert made == []  # no worker pool for a handful of files (the pre-commit case)


def test_default_jobs_pool_for_many_files(tmp_path, monkeypatch):
    made = _spy_pools(monkeypatch)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    for i in range(60):
        (tmp_path / f"p{i:02d}.json").write_text(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}]}')
    monkeypatch.chdir(tmp_path)
    res = engine.run(["."], Options())
    assert res.files == 60
    assert made == [2]
    one = engine.run(["."], Options(jobs=1))
    assert [(f.file, f.span, f.code, f.message) for f in res.findings] == \
           [(f.file, f.span, f.code, f.message) for f in one.findings]


def test_more_jobs_than_files(tmp_path, monkeypatch):
    (tmp_path / "a.json").write_text('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
                                     '"Action": "sagemaker:*", "Resource": "*"}]}')
    (tmp_path / "broken.json").write_text('{"Statement": [')
    monkeypatch.chdir(tmp_path)
    res = engine.run(["."], Options(jobs=8))
    assert {f.code for f in res.findings} >= {"SM101", "LP001"}
    assert [f.file for f in res.findings] == sorted(f.file for f in res.findings)


def test_jobs_must_be_positive(tmp_path):
    r = subprocess.run([sys.executable, "-m", "linter.cli", "--jobs", "0", "."], cwd=tmp_path,
                       capture_output=True, text=True)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr


def test_first_unit_of_each_extension_is_linted_before_the_workers_start(tmp_path):
    """Forked workers inherit what the first unit of each kind of file imported and loaded; those
    units' results are the parent's, the rest go to the workers."""
    from linter.engine import RuleSet

    opts = Options(jobs=1)
    engine._worker_state.update(rules=RuleSet(engine.selected_codes(opts), opts), opts=opts)
    names = ["a.json", "b.json", "c.yaml", "d.json", "e.tf", "f.yaml"]
    for n in names:
        (tmp_path / n).write_text("{}\n" if not n.endswith(".tf") else "\n")
    items = [[(i, str(tmp_path / n), True)] for i, n in enumerate(names)]
    items[4].append((6, str(tmp_path / "g.tf"), True))  # a module of two files: a worker's
    (tmp_path / "g.tf").write_text("\n")
    items.append([(7, str(tmp_path / "h.tf"), True)])
    (tmp_path / "h.tf").write_text("\n")
    results = [None] * 8
    try:
        rest = engine._warm_up(items, results)
    finally:
        engine._worker_state.clear()
    assert [u[0][0] for u in rest] == [1, 3, 4, 5]
    assert [r is not None for r in results] == [True, False, True, False, False, False, False, True]


def test_a_run_freezes_what_it_loaded_and_unfreezes_it_after(mixed_corpus, monkeypatch):
    """After the first unit (one process) or the warm-up (workers), the collector leaves the
    objects made so far alone; when the run ends they are the collector's again."""
    import gc

    frozen = []
    lint_unit = engine.lint_unit

    def spy(*args, **kwargs):
        frozen.append(gc.get_freeze_count())
        return lint_unit(*args, **kwargs)

    monkeypatch.setattr(engine, "lint_unit", spy)
    monkeypatch.chdir(mixed_corpus)
    for jobs in (1, 2):
        frozen.clear()
        result = engine.run(["corpus"], Options(jobs=jobs))
        assert result.files > 50 and result.findings
        assert gc.get_freeze_count() == 0
        if jobs == 1:
            assert frozen[0] == 0 and frozen[-1] > 0
    # a caller that froze objects itself keeps them frozen: the run freezes nothing then
    keep = [object() for _ in range(3)]
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        for jobs in (1, 2):
            frozen.clear()
            engine.run(["corpus"], Options(jobs=jobs))
            assert 0 < gc.get_freeze_count() <= before  # not thawed (frozen objects may be freed)
            assert frozen and max(frozen) <= before  # nothing more frozen during the run
    finally:
        gc.unfreeze()
    del keep


def test_the_largest_units_go_to_the_workers_first(tmp_path, monkeypatch):
    """A unit dealt out last keeps one worker busy while the others wait: the workers get the
    units largest first (bytes to read; a Terraform module counts all its files)."""
    import multiprocessing.pool

    (tmp_path / "mod").mkdir()
    for i in range(3):
        (tmp_path / "mod" / f"m{i}.tf").write_text('resource "aws_s3_bucket" "b%d" {\n  bucket = "x"\n}\n' % i)
    for i in range(60):
        (tmp_path / f"p{i:02d}.json").write_text('{"Statement": []}' + " " * (i % 7) + "\n")
    (tmp_path / "zz-big.json").write_text('{"Statement": []}' + " " * 5000 + "\n")
    seen = []
    real = multiprocessing.pool.Pool.imap_unordered

    def spy(self, func, iterable, chunksize=1):
        items = list(iterable)
        seen.extend(items)
        return real(self, func, items, chunksize)

    monkeypatch.setattr(multiprocessing.pool.Pool, "imap_unordered", spy)
    monkeypatch.chdir(tmp_path)
    result = engine.run(["."], Options(jobs=2))
    assert result.files == 64
    sizes = [engine._unit_bytes(u) for u in seen]
    assert sizes == sorted(sizes, reverse=True)
    assert os.path.basename(seen[0][0][1]) == "zz-big.json" and len(seen[1]) == 3  # then the module
