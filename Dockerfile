# syntax=docker/dockerfile:1

# ---- build stage -----------------------------------------------------------
# The Go version must be >= the `go` directive in go.mod (1.26.8).
FROM --platform=$BUILDPLATFORM golang:1.26.8-bookworm AS builder

WORKDIR /src

# Module download is its own layer: it is only re-run when go.mod/go.sum change.
COPY go.mod go.sum ./
RUN go mod download && go mod verify

COPY . .

# Cross-compile for the requested platform (docker buildx --platform ...).
ARG TARGETOS
ARG TARGETARCH
RUN --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=${TARGETOS:-linux} GOARCH=${TARGETARCH} \
    go build -trimpath -ldflags='-s -w' -o /out/sheber ./cmd/sheber

# ---- runtime stage ---------------------------------------------------------
# Static, shell-less image; runs as uid/gid 65532 (nonroot).
FROM gcr.io/distroless/static-debian12:nonroot

COPY --from=builder /out/sheber /sheber

EXPOSE 8080
USER nonroot:nonroot

ENTRYPOINT ["/sheber"]
CMD ["serve"]
