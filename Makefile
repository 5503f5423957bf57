.PHONY: run test e2e lint format bench postgres messages bench-load

run:  ## install, migrate, seed the demo and serve on 127.0.0.1:8000
	bash lms/scripts/run.sh

test:  ## install and run the whole test suite
	bash lms/scripts/test.sh

e2e:  ## real-browser journeys and axe-core checks (installs Chromium and axe-core)
	bash lms/scripts/e2e.sh

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/python manage.py makemigrations --check --dry-run

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

bench:  ## benchmarks on PostgreSQL; figures in var/bench/latest.json
	bash lms/scripts/bench.sh

bench-load:  ## the Locust load test only (about 10 minutes); figures in var/bench/latest.json
	bash lms/scripts/bench.sh bench_load

postgres:  ## start a local PostgreSQL and print its DATABASE_URL
	bash lms/scripts/postgres.sh

messages:  ## refresh and compile the Vietnamese translations
	for d in lms lms/people lms/home lms/reports courses quizzes certificates; do \
	  (cd $$d && $(CURDIR)/.venv/bin/django-admin makemessages -l vi --ignore=people --ignore=home --ignore=reports --ignore=admin_locale); done
	.venv/bin/python manage.py compilemessages --ignore=.venv --ignore=node_modules
