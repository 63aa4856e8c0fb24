//go:build goexperiment.jsonv2 && !go1.27

package enkash_test

import jsonv2 "encoding/json/v2"

// jsonv2Marshal is encoding/json/v2's Marshal on Go 1.26 with
// GOEXPERIMENT=jsonv2 (see TestWireJSONv2EngineKeepsAbsentFieldsAbsent).
func jsonv2Marshal(v any) ([]byte, error) { return jsonv2.Marshal(v) }
