# The sample project's application image, as the container recipe records it:
#   profilegen record -o traces/unit.json -- docker run --rm myapp:test            (the image's CMD)
#   profilegen record -o traces/integration.json -- docker run --rm myapp:test sh /app/run-tests.sh integration
# BASE: any image with a shell; local-ci.sh --engine builds it offline from a static busybox. Nothing of
# profilegen goes into the image: `record` mounts its static build in for the recording run only.
ARG BASE=busybox:stable
FROM ${BASE}
COPY app/run-tests.sh /app/run-tests.sh
WORKDIR /app
CMD ["sh", "/app/run-tests.sh", "unit"]
