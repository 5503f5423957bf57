.PHONY: run test lint format bench postgres messages

run:  ## install, migrate, seed the demo and serve on 127.0.0.1:8000
	bash lms/scripts/run.sh

test:  ## install and run the whole test suite
	bash lms/scripts/test.sh

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/python manage.py makemigrations --check --dry-run

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

postgres:  ## start a local PostgreSQL and print its DATABASE_URL
	bash lms/scripts/postgres.sh

messages:  ## refresh and compile the Vietnamese translations
	for d in lms lms/people lms/home courses quizzes certificates; do \
	  (cd $$d && $(CURDIR)/.venv/bin/django-admin makemessages -l vi --ignore=people --ignore=home); done
	.venv/bin/python manage.py compilemessages --ignore=.venv
