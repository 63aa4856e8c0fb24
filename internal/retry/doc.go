// Package retry holds what retrying an HTTP request needs, and knows no API:
// capped exponential backoff with full jitter, a wait that a context cuts
// short, the Retry-After header, and whether a transport error proves that
// no byte of the request reached the server; and Doer, the layer that
// retries a request by these rules. As in aws-sdk-go-v2's retry package,
// the caller passes its policy, clock, sleeper, jitter and sentinels in
// explicitly; the call's gate comes with the call (package call).
package retry
