package wrapper

// Version is the SDK version sent in the User-Agent header as
// "enkash-go/<Version>".
const Version = "0.1.0"

// userAgent is the User-Agent header value for every request.
const userAgent = "enkash-go/" + Version
