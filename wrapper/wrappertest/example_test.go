package wrappertest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

// Example updates a demo customer through the wrapper client, the way users
// test their own code: one field set, one cleared (null), the others left
// alone. The fake's URL and Token plug straight into wrapper.NewClient, and
// its request log and store are there for assertions.
func Example() {
	srv := wrappertest.NewServer(wrappertest.WithDemoCustomers())
	defer srv.Close()

	c, err := wrapper.NewClient(srv.URL, wrapper.WithToken(srv.Token))
	if err != nil {
		panic(err)
	}
	defer c.CloseIdleConnections()

	var body api.UpdateCustomerRequest
	body.LegalName.Set("Shree Ganesh Silk Mills Pvt Ltd") // value: set
	body.Address.SetNull()                                // null: clear
	cust, err := c.UpdateCustomer(context.Background(), wrappertest.DemoCustomerID, body)
	if err != nil {
		panic(err)
	}
	fmt.Printf("legalName=%q address=%q state=%q\n", cust.LegalName, cust.Address, cust.State)

	fmt.Println("sent:", string(srv.Requests()[0].Body))
	stored, _ := srv.Customer(wrappertest.DemoCustomerID)
	fmt.Println("stored:", stored.LegalName)
	fmt.Println("spec violations:", len(srv.SpecViolations()))
	// Output:
	// legalName="Shree Ganesh Silk Mills Pvt Ltd" address="" state="Gujarat"
	// sent: {"address":null,"legalName":"Shree Ganesh Silk Mills Pvt Ltd"}
	// stored: Shree Ganesh Silk Mills Pvt Ltd
	// spec violations: 0
}

// ExampleServer_Inject makes the next two calls fail with 503 and a
// Retry-After header, as a retry test would.
func ExampleServer_Inject() {
	srv := wrappertest.NewServer(wrappertest.WithDemoCustomers())
	defer srv.Close()
	srv.Inject(wrappertest.Fault{
		Status: http.StatusServiceUnavailable, RetryAfter: "1", Times: 2,
		ContentType: "text/html", Body: "<html>maintenance</html>",
	})

	for i := 0; i < 3; i++ {
		req, _ := http.NewRequest(http.MethodPatch, srv.URL+"/api/v0/customer/"+wrappertest.DemoCustomerID, strings.NewReader(`{}`))
		req.Header.Set("Authorization", "Bearer "+srv.Token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := srv.Client().Do(req)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Printf("%d Retry-After=%q\n", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	fmt.Println("requests received:", len(srv.Requests()))
	// Output:
	// 503 Retry-After="1"
	// 503 Retry-After="1"
	// 200 Retry-After=""
	// requests received: 3
}

// ExampleWithCredentials fetches a token with the password grant and uses it.
func ExampleWithCredentials() {
	srv := wrappertest.NewServer(wrappertest.WithDemoCustomers(),
		wrappertest.WithCredentials("my-client", "my-secret", "ops@example.com", "pa55word"))
	defer srv.Close()

	client, _ := api.NewClientWithResponses(srv.URL, api.WithHTTPClient(srv.Client()))
	tok, err := client.GetAuthTokenWithFormdataBodyWithResponse(context.Background(),
		api.TokenRequest{Username: "ops@example.com", Password: "pa55word", GrantType: api.GrantTypePassword, ClientId: ptr("my-client")},
		func(_ context.Context, req *http.Request) error {
			req.SetBasicAuth("my-client", "my-secret")
			return nil
		})
	if err != nil {
		panic(err)
	}
	// The token response is oneOf two spellings; this server answers snake_case.
	snake, err := tok.JSON200.AsTokenResponseSnake()
	if err != nil {
		panic(err)
	}
	fmt.Println(tok.StatusCode(), *snake.TokenType, snake.ExpiresIn)

	var body api.UpdateCustomerRequest
	body.PinCode.Set("395003")
	resp, _ := client.UpdateCustomerWithResponse(context.Background(), wrappertest.DemoCustomerID, nil, body,
		func(_ context.Context, req *http.Request) error {
			req.Header.Set("Authorization", "Bearer "+snake.AccessToken)
			return nil
		})
	fmt.Println(resp.StatusCode(), resp.JSON200.Payload.PinCode, resp.JSON200.Payload.ModifiedBy)

	// A wrong password is refused with an OAuth error.
	bad, _ := client.GetAuthTokenWithBodyWithResponse(context.Background(), "application/x-www-form-urlencoded",
		strings.NewReader(url.Values{"username": {"ops@example.com"}, "password": {"nope"}, "grant_type": {"password"}}.Encode()),
		func(_ context.Context, req *http.Request) error {
			req.SetBasicAuth("my-client", "my-secret")
			return nil
		})
	fmt.Println(bad.StatusCode(), *bad.JSON401.Error)
	// Output:
	// 200 bearer 3600
	// 200 395003 ops@example.com
	// 401 invalid_grant
}

// A sandbox for your own data: any customerId the spec accepts is created
// blank on its first update; no request log is kept.
func ExampleWithAutoCreate() {
	srv := wrappertest.NewServer(wrappertest.WithAutoCreate(), wrappertest.WithRequestLogSize(0))
	defer srv.Close()
	c, err := wrapper.NewClient(srv.URL, wrapper.WithToken(srv.Token))
	if err != nil {
		panic(err)
	}
	defer c.CloseIdleConnections()
	var body api.UpdateCustomerRequest
	body.LegalName.Set("My Own Traders")
	cust, err := c.UpdateCustomer(context.Background(), "KCMYOWN000000001", body)
	if err != nil {
		panic(err)
	}
	fmt.Println(cust.CustomerId, cust.LegalName)
	fmt.Println("requests kept:", len(srv.Requests()))
	// Output:
	// KCMYOWN000000001 My Own Traders
	// requests kept: 0
}
