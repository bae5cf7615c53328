#!/bin/sh
# Sends each example request of this folder to a running
# `stepwise serve --http` with curl and prints the answers, one per line.
# Usage: examples/http/requests.sh [URL]   (default http://127.0.0.1:8080)
# With a token: STEPWISE_TOKEN=... examples/http/requests.sh URL
set -eu
url=${1:-http://127.0.0.1:8080}
here=$(cd "$(dirname "$0")" && pwd)
auth=""
[ -n "${STEPWISE_TOKEN:-}" ] && auth="Authorization: Bearer $STEPWISE_TOKEN"
ask() { # OP [BODY-FILE]
	if [ -n "$auth" ]; then
		curl -sS -H "$auth" -H 'Content-Type: application/json' --data-binary "@$here/${2:-ping.json}" "$url/v2/$1"
	else
		curl -sS -H 'Content-Type: application/json' --data-binary "@$here/${2:-ping.json}" "$url/v2/$1"
	fi
	echo
}
ask ping
ask rubrics
ask evaluate evaluate-pupil.json
ask evaluate evaluate-class.json
ask check_rubric check-rubric.json
ask load_rubric load-rubric.json
ask set_params set-params.json
ask load_framework load-framework.json
ask ping
