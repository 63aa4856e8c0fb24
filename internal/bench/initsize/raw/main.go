// Command raw makes the same updateCustomer call as ../sdk with net/http,
// encoding/json and x/oauth2 only: the baseline of `make initsize`.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"

	"golang.org/x/oauth2"
)

type envelope struct {
	Payload       map[string]any `json:"payload"`
	ErrorResponse map[string]any `json:"errorResponse"`
}

func main() {
	base := os.Getenv("ENKASH_BASE_URL")
	conf := oauth2.Config{ClientID: "id", ClientSecret: "secret", Endpoint: oauth2.Endpoint{TokenURL: base + "/oauth/token"}}
	tok, err := conf.PasswordCredentialsToken(context.Background(), "user", "pass")
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := json.Marshal(map[string]any{"legalName": "Acme"})
	req, _ := http.NewRequest(http.MethodPatch, base+"/api/v0/customer/KCABCDEFGH123456", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	tok.SetAuthHeader(req)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var env envelope
	err = json.NewDecoder(resp.Body).Decode(&env)
	fmt.Println(env.Payload != nil, err)
}
