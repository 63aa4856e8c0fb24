package wrapper

import (
	"errors"
	"math/rand/v2"
	"net/mail"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	enkash "github.com/enkash-oss/enkash-go"
	"github.com/enkash-oss/enkash-go/api"
	openapi_types "github.com/oapi-codegen/runtime/types"
)

const (
	validCustomerID = "KCABCDEFGH123456"
	validParentID   = "CEKACME001"
)

func ptr[T any](v T) *T { return &v }

// validBody is a realistic full request: every field set, two key contacts,
// two reminders.
func validBody() api.UpdateCustomerRequest {
	var b api.UpdateCustomerRequest
	b.AccountNumber.Set("50100234567890")
	b.Address.Set("Plot 14, Peenya, Bengaluru")
	b.AssignedAgent.Set("Ravi Kumar")
	b.BranchCodes.Set([]string{"BLR01", "BLR07"})
	b.ContactNumber.Set("+91 80 41234567")
	b.Ifsc.Set("HDFC0000123")
	b.LegalName.Set("Acme Traders Pvt Ltd")
	b.PanOrGstin.Set("29ABCDE1234F1Z5")
	b.PinCode.Set("560058")
	b.State.Set("Karnataka")
	b.UniqueRefNo.Set("ACME-42")
	b.CustomerKeyContacts.Set([]api.CustomerKeyContactCreateDTO{
		{Name: "Asha Rao", LegalName: "Asha Rao", Mobile: "+91 9876543210", Email: ptr(openapi_types.Email("asha.rao@acme.example")), MailEnabled: ptr(true)},
		{Name: "Vikram Iyer", LegalName: "Vikram Iyer", Mobile: "9123456780", Deleted: false},
	})
	b.CustomerReminders.Set([]api.CustomerReminderCreateDTO{
		{ReminderType: ptr(api.ReminderTypeOnce), ReminderTime: ptr("09:30"), DueDateDifference: ptr(int32(-3))},
		{ReminderType: ptr(api.ReminderTypeRecurring), ReminderTime: ptr("18:00"), ReminderInterval: ptr(int32(7))},
	})
	return b
}

// TestPatternsMatchSpec pins the hand-copied patterns to the embedded spec,
// so a change to openapi.yaml cannot silently leave the matchers behind.
// The spec's patterns, read from openapi.yaml (the contract facts test in
// the module root pins them to the vendor's page), so that these tests
// follow a regenerated spec.
var (
	docPatternCustomerID      = specPattern("param:customerId")
	docPatternParentCompanyID = specPattern("param:parentCompanyId")
	docPatternMobile          = specPattern("CustomerKeyContactCreateDTO.mobile")
	docPatternReminderTime    = specPattern("CustomerReminderCreateDTO.reminderTime")
)

// kinEmailFormat is kin-openapi's "email" format, the one the fake server
// applies.
const kinEmailFormat = `^[^@]+@[^@<>",\s]+$`

// specPattern returns the pattern of "param:NAME" (an updateCustomer
// parameter) or "Schema.property" in openapi.yaml.
func specPattern(where string) string {
	doc, err := enkash.LoadSpec()
	if err != nil {
		panic(err)
	}
	if name, ok := strings.CutPrefix(where, "param:"); ok {
		for _, p := range doc.Paths.Value("/api/v0/customer/{customerId}").Patch.Parameters {
			if p.Value.Name == name {
				return p.Value.Schema.Value.Pattern
			}
		}
		panic("no parameter " + name)
	}
	schema, prop, _ := strings.Cut(where, ".")
	return doc.Components.Schemas[schema].Value.Properties[prop].Value.Pattern
}

// viol is a Violation literal (keyed: the type lives in package api).
func viol(field, rule string) api.Violation { return api.Violation{Field: field, Rule: rule} }

func randString(r *rand.Rand, alphabet string, max int) string {
	n := r.IntN(max + 1)
	b := make([]rune, n)
	a := []rune(alphabet)
	for i := range b {
		b[i] = a[r.IntN(len(a))]
	}
	return string(b)
}

// TestEmailIsStrictSubset: whatever the generated format check accepts, the spec format
// (kin-openapi's email regexp) accepts, and the generated Email type marshals
// unchanged (it runs net/mail.ParseAddress).
func TestEmailIsStrictSubset(t *testing.T) {
	re := regexp.MustCompile(kinEmailFormat)
	check := func(s string) {
		if !api.IsEmailAddress(s) {
			return
		}
		require.True(t, re.MatchString(s), "spec format rejects %q", s)
		a, err := mail.ParseAddress(s)
		require.NoError(t, err, "net/mail rejects %q", s)
		require.Equal(t, s, a.Address, "net/mail rewrites %q", s)
	}
	for _, s := range []string{"a@b", "asha.rao@acme.example", "x+y@z.co.in", "o'neil@x.io", "a..b@c", ".a@b", "a@b.", "a@", "@b",
		"a b@c", "Asha <a@b>", "a@b@c", "a@[1.2.3.4]", `"q"@b`, "ä@b"} {
		check(s)
	}
	assert.True(t, api.IsEmailAddress("asha.rao@acme.example"))
	assert.False(t, api.IsEmailAddress("Asha <a@b>"))
	r := rand.New(rand.NewPCG(7, 7))
	for range 50000 {
		check(randString(r, "ab.@-_+' <>\"\t{}~", 12))
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		id     string
		opts   []CallOption
		mutate func(*api.UpdateCustomerRequest)
		want   []api.Violation
	}{
		{name: "valid full body", id: validCustomerID, opts: []CallOption{WithParentCompanyID(validParentID)}},
		{name: "empty body", id: validCustomerID, mutate: func(b *api.UpdateCustomerRequest) { *b = api.UpdateCustomerRequest{} }},
		{name: "lists cleared", id: validCustomerID, mutate: func(b *api.UpdateCustomerRequest) {
			b.CustomerKeyContacts.SetNull()
			b.CustomerReminders.SetNull()
		}},
		{name: "bad customerId", id: "KC123", want: []api.Violation{viol("customerId", "pattern "+docPatternCustomerID)}},
		{name: "bad parentCompanyId", id: validCustomerID, opts: []CallOption{WithParentCompanyID("CEK1")},
			want: []api.Violation{viol("parentCompanyId", "pattern "+docPatternParentCompanyID)}},
		{name: "empty parentCompanyId given", id: validCustomerID, opts: []CallOption{WithParentCompanyID("")},
			want: []api.Violation{viol("parentCompanyId", "pattern "+docPatternParentCompanyID)}},
		{name: "every key contact and reminder rule", id: "bad", mutate: func(b *api.UpdateCustomerRequest) {
			b.CustomerKeyContacts.Set([]api.CustomerKeyContactCreateDTO{
				{Name: "ok", LegalName: "ok", Mobile: ""},
				{Name: "", LegalName: "", Mobile: "98765", Email: ptr(openapi_types.Email("not-an-email"))},
			})
			b.CustomerReminders.Set([]api.CustomerReminderCreateDTO{
				{ReminderType: ptr(api.ReminderType("WEEKLY")), ReminderTime: ptr("24:00")},
			})
		}, want: []api.Violation{
			viol("customerId", "pattern "+docPatternCustomerID),
			viol("customerKeyContacts[1].email", "format email"),
			viol("customerKeyContacts[1].legalName", "required"),
			viol("customerKeyContacts[1].mobile", "pattern "+docPatternMobile),
			viol("customerKeyContacts[1].name", "required"),
			viol("customerReminders[0].reminderTime", "pattern "+docPatternReminderTime),
			viol("customerReminders[0].reminderType", "enum ONCE|RECURRING"),
		}},
		{name: "invalid UTF-8 is refused, not replaced", id: validCustomerID, mutate: func(b *api.UpdateCustomerRequest) {
			b.LegalName.Set("Acme \xff Traders")
			b.BranchCodes.Set([]string{"BLR01", "\xc3"})
		}, want: []api.Violation{viol("branchCodes[1]", "utf-8"), viol("legalName", "utf-8")}},
		{name: "empty customerId", id: "", want: []api.Violation{viol("customerId", "required")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := validBody()
			if tc.mutate != nil {
				tc.mutate(&b)
			}
			err := ValidateUpdateCustomer(tc.id, b, tc.opts...)
			if tc.want == nil {
				assert.NoError(t, err)
				return
			}
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.want, ve.Violations)
			assert.ErrorIs(t, err, ErrValidation)
			assert.NotErrorIs(t, err, ErrNotFound)
		})
	}
}

// TestValidationErrorHasNoValues: field and rule only, never the value.
func TestValidationErrorHasNoValues(t *testing.T) {
	b := validBody()
	b.CustomerKeyContacts.Set([]api.CustomerKeyContactCreateDTO{
		{Name: "N", LegalName: "L", Mobile: "98765-SECRET-1", Email: ptr(openapi_types.Email("secret person@x"))},
	})
	err := ValidateUpdateCustomer("KCSECRET", b)
	require.Error(t, err)
	for _, v := range []string{"98765-SECRET-1", "secret person@x", "KCSECRET"} {
		assert.NotContains(t, err.Error(), v)
	}
}

func TestValidateValidAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector; the non-race runs of make ci check them")
	}
	b := validBody()
	params := &api.UpdateCustomerParams{ParentCompanyId: ptr(validParentID)}
	allocs := testing.AllocsPerRun(1000, func() {
		if api.ValidateUpdateCustomer(validCustomerID, params, &b) != nil {
			t.Fatal("unexpected violation")
		}
	})
	assert.Zero(t, allocs)
	allocs = testing.AllocsPerRun(1000, func() {
		if ValidateUpdateCustomer(validCustomerID, b) != nil {
			t.Fatal("unexpected violation")
		}
	})
	assert.Zero(t, allocs)
}

func BenchmarkValidate(b *testing.B) {
	body := validBody()
	params := &api.UpdateCustomerParams{ParentCompanyId: ptr(validParentID)}
	b.ReportAllocs()
	for b.Loop() {
		if api.ValidateUpdateCustomer(validCustomerID, params, &body) != nil {
			b.Fatal("invalid")
		}
	}
}

func TestValidationErrorIsNotAPIError(t *testing.T) {
	err := ValidateUpdateCustomer("x", api.UpdateCustomerRequest{})
	var ae *APIError
	assert.False(t, errors.As(err, &ae))
}
