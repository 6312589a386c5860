-- wrk script for the publish-intake scenario: POSTs one small JSON event per request.
-- The body and path come from the environment (run-bench.sh sets them per server).
wrk.method = "POST"
wrk.path = os.getenv("BENCH_PATH")
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/json"
