"""The package's one C extension (``sonae.victims.importing._native``); everything else is in pyproject.toml.

The extension is optional: where it cannot be built (no C compiler or no OpenSSL headers), the import workers
use the Python code it mirrors (``victims.importing.native``)."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "sonae.victims.importing._native",
            ["src/sonae/victims/importing/_native.c"],
            libraries=["crypto"],
            extra_compile_args=["-O2"],
            optional=True,
        )
    ]
)
