"""Makes Superset's ``admin`` account (role Admin) if it is missing, or with ``--reset`` sets its
password; the password comes from ``HDMS_SUPERSET_ADMIN_PASSWORD`` in the environment, never from
the command line (which any user of the machine can read in the process list).

    HDMS_SUPERSET_ADMIN_PASSWORD=... <superset venv>/bin/python deploy/superset/admin_user.py [--reset]

Runs in Superset's virtual environment with SUPERSET_CONFIG_PATH set, after ``superset init``
(setup.sh does all three).
"""

import argparse
import os
import sys

USERNAME = "admin"


def main() -> int:
    parser = argparse.ArgumentParser(description="Superset's admin account for HDMS.")
    parser.add_argument("--reset", action="store_true", help="set the password of an existing account too")
    args = parser.parse_args()
    password = os.environ.get("HDMS_SUPERSET_ADMIN_PASSWORD", "")
    if not password:
        print("HDMS_SUPERSET_ADMIN_PASSWORD is not set", file=sys.stderr)
        return 2

    from superset.app import create_app

    app = create_app()
    with app.app_context():
        from superset import security_manager

        user = security_manager.find_user(username=USERNAME)
        if user is None:
            role = security_manager.find_role("Admin")
            if not security_manager.add_user(USERNAME, "HDMS", "Admin", "admin@localhost", role, password=password):
                print("Superset refused to make the admin account", file=sys.stderr)
                return 1
            print("Superset admin account made.")
        elif args.reset:
            security_manager.reset_password(user.id, password)
            print("Superset admin password set.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
