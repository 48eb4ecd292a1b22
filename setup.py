"""Packages of connectana (everything else is configured in pyproject.toml).

The sample course is package data: ``sample_data/`` at the top of the checkout
is installed as ``connectana/sample_data`` so that ``connectana demo`` runs
after a plain (non-editable) install; :func:`connectana.datasets.sample_path`
finds it with importlib.resources.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["connectana*"]), "connectana.sample_data"],
    package_dir={"connectana.sample_data": "sample_data"},
)
