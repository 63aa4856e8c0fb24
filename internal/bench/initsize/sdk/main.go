// Command sdk makes one updateCustomer call with package wrapper: the
// program whose start-up cost and size `make initsize` compares with raw.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper"
)

func main() {
	c, err := wrapper.NewClient(os.Getenv("ENKASH_BASE_URL"), wrapper.WithPasswordCredentials("id", "secret", "user", "pass"))
	if err != nil {
		fmt.Println(err)
		return
	}
	var u api.UpdateCustomerRequest
	u.LegalName.Set("Acme")
	cust, err := c.UpdateCustomer(context.Background(), "KCABCDEFGH123456", u)
	fmt.Println(cust != nil, err)
}
