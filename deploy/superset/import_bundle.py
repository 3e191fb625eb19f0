"""Imports the zipped bundle (bundle.py) with Superset's asset importer, which replaces what the
bundle names (the database entry, its datasets, charts and dashboard) by the bundle's version:
the YAML files under bundle/ are the source, so a changed chart reaches Superset on the next
setup.sh. (``superset import-dashboards`` keeps charts and databases it already has.) A chart
saved in Superset under another name is left alone.

    <superset venv>/bin/python deploy/superset/import_bundle.py BUNDLE.zip [--user admin]

Runs in Superset's virtual environment with SUPERSET_CONFIG_PATH set (setup.sh does both).
"""

import argparse
import sys
from zipfile import ZipFile


def main() -> int:
    parser = argparse.ArgumentParser(description="Import the HDMS Superset bundle, replacing earlier versions.")
    parser.add_argument("bundle")
    parser.add_argument("--user", default="admin", help="owner of what is imported")
    args = parser.parse_args()

    from superset.app import create_app

    app = create_app()
    with app.app_context():
        from flask import g
        from superset import security_manager
        from superset.commands.importers.v1.assets import ImportAssetsCommand
        from superset.commands.importers.v1.utils import get_contents_from_bundle

        g.user = security_manager.find_user(username=args.user)
        if g.user is None:
            print(f"No Superset user {args.user}", file=sys.stderr)
            return 2
        with ZipFile(args.bundle) as bundle:
            contents = get_contents_from_bundle(bundle)
        ImportAssetsCommand(contents).run()
    print(f"Imported {sum(name.startswith('charts/') for name in contents)} charts "
          f"and {sum(name.startswith('dashboards/') for name in contents)} dashboard(s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
