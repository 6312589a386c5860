-- wrk script for the publish-intake scenarios: POSTs one small JSON event per request.
-- The body and path come from the environment (run-bench.sh sets them per server), and so does
-- the Authorization header of the authenticated scenario (BENCH_AUTH, e.g. "Bearer <token>").
wrk.method = "POST"
wrk.path = os.getenv("BENCH_PATH")
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/json"
local auth = os.getenv("BENCH_AUTH")
if auth ~= nil and auth ~= "" then
    wrk.headers["Authorization"] = auth
end
