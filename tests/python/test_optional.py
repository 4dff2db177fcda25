import pytest

from mlarsenal._optional import MissingOptionalDependency, import_optional


def test_present_module_is_returned():
    assert import_optional("json").__name__ == "json"


def test_missing_module_names_the_extra():
    with pytest.raises(ImportError, match=r"pip install 'mlarsenal\[serve\]'"):
        import_optional("fastapi.definitely_missing_submodule", extra="serve")


def test_missing_module_error_type_and_default_hint():
    with pytest.raises(MissingOptionalDependency, match="pip install no_such_module_xyz"):
        import_optional("no_such_module_xyz")


def test_importing_mlarsenal_pulls_in_no_heavy_dependency():
    import subprocess
    import sys

    script = (
        "import sys, mlarsenal, mlarsenal.metrics\n"
        "heavy = {'torch', 'cupy', 'fastapi', 'dask', 'mlflow', 'matplotlib', 'mlarsenal._cuda'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
