// Package retry holds what retrying an HTTP request needs, and knows no API:
// capped exponential backoff with full jitter, a wait that a context cuts
// short, the Retry-After header, and whether a transport error proves that
// no byte of the request reached the server. As in aws-sdk-go-v2's retry
// package, the caller owns the loop: it decides what is retryable and passes
// its clock, sleeper, jitter and rate limiter in explicitly.
package retry
