// The ogen baseline of `make callgrind` (.ci/callgrind-bench copies this
// file into a throwaway module next to a client that ogen generates from
// openapi.yaml; it is never part of this module: the go tool skips .ci/).
// The same call as BenchmarkUpdateCustomer/transport=memory in wrapper/:
// the same PATCH body (wrapper's validBody), the same bearer token, and the
// same canned 2.8 KB envelope answered by the same in-memory transport.
package ogenbench

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"testing"

	"ogenbench/gen"
)

type memBody struct{ bytes.Reader }

func (*memBody) Close() error { return nil }

type memTransport struct {
	body []byte
	hdr  http.Header
}

func (m *memTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	b := &memBody{}
	b.Reset(m.body)
	return &http.Response{
		Status: "200 OK", StatusCode: http.StatusOK,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: m.hdr, Body: b, ContentLength: int64(len(m.body)), Request: req,
	}, nil
}

type bearer struct{}

func (bearer) BasicAuth(context.Context, gen.OperationName) (gen.BasicAuth, error) {
	return gen.BasicAuth{}, nil
}

func (bearer) BearerAuth(context.Context, gen.OperationName) (gen.BearerAuth, error) {
	return gen.BearerAuth{Token: "tok-bench-0123456789abcdef"}, nil
}

func body() *gen.UpdateCustomerRequest {
	var b gen.UpdateCustomerRequest
	b.AccountNumber.SetTo("50100234567890")
	b.Address.SetTo("Plot 14, Peenya, Bengaluru")
	b.AssignedAgent.SetTo("Ravi Kumar")
	b.BranchCodes.SetTo([]string{"BLR01", "BLR07"})
	b.ContactNumber.SetTo("+91 80 41234567")
	b.Ifsc.SetTo("HDFC0000123")
	b.LegalName.SetTo("Acme Traders Pvt Ltd")
	b.PanOrGstin.SetTo("29ABCDE1234F1Z5")
	b.PinCode.SetTo("560058")
	b.State.SetTo("Karnataka")
	b.UniqueRefNo.SetTo("ACME-42")
	b.CustomerKeyContacts.SetTo([]gen.CustomerKeyContactCreateDTO{
		{Name: "Asha Rao", LegalName: "Asha Rao", Mobile: "+91 9876543210", Email: gen.NewOptString("asha.rao@acme.example"), MailEnabled: gen.NewOptBool(true)},
		{Name: "Vikram Iyer", LegalName: "Vikram Iyer", Mobile: "9123456780"},
	})
	b.CustomerReminders.SetTo([]gen.CustomerReminderCreateDTO{
		{ReminderType: gen.NewOptReminderType(gen.ReminderTypeONCE), ReminderTime: gen.NewOptString("09:30"), DueDateDifference: gen.NewOptInt32(-3)},
		{ReminderType: gen.NewOptReminderType(gen.ReminderTypeRECURRING), ReminderTime: gen.NewOptString("18:00"), ReminderInterval: gen.NewOptInt32(7)},
	})
	return &b
}

func BenchmarkUpdateCustomer(b *testing.B) {
	fixture, err := os.ReadFile(os.Getenv("OGENBENCH_FIXTURE"))
	if err != nil {
		b.Fatal(err)
	}
	hc := &http.Client{Transport: &memTransport{body: fixture, hdr: http.Header{"Content-Type": {"application/json"}}}}
	c, err := gen.NewClient("https://enkash.invalid", bearer{}, gen.WithClient(hc))
	if err != nil {
		b.Fatal(err)
	}
	req := body()
	params := gen.UpdateCustomerParams{CustomerId: "KCABCDEFGH123456"}
	ctx := context.Background()
	call := func() {
		res, err := c.UpdateCustomer(ctx, req, params)
		if err != nil {
			b.Fatal(err)
		}
		ok, isOK := res.(*gen.UpdateCustomerOK)
		if !isOK || !ok.Response.Payload.Set || ok.Response.ErrorResponse.Set || ok.Response.Payload.Value.CustomerId.Value != "KCABCDEFGH123456" {
			b.Fatalf("unexpected answer %T", res)
		}
	}
	call() // warm
	b.SetBytes(int64(len(fixture)))
	b.ReportAllocs()
	for b.Loop() {
		call()
	}
}
