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
func TestPatternsMatchSpec(t *testing.T) {
	doc, err := api.GetSpec()
	require.NoError(t, err)
	item := doc.Paths.Value("/api/v0/customer/{customerId}")
	require.NotNil(t, item)
	require.NotNil(t, item.Patch)
	params := map[string]string{}
	for _, p := range item.Patch.Parameters {
		params[p.Value.Name] = p.Value.Schema.Value.Pattern
	}
	assert.Equal(t, patternCustomerID, params["customerId"])
	assert.Equal(t, patternParentCompanyID, params["parentCompanyId"])

	kc := doc.Components.Schemas["CustomerKeyContactCreateDTO"].Value
	assert.Equal(t, patternMobile, kc.Properties["mobile"].Value.Pattern)
	assert.Equal(t, "email", kc.Properties["email"].Value.Format)
	assert.ElementsMatch(t, []string{"deleted", "legalName", "mobile", "name"}, kc.Required,
		"required key-contact fields changed: update validate()")

	rem := doc.Components.Schemas["CustomerReminderCreateDTO"].Value
	assert.Equal(t, patternReminderTime, rem.Properties["reminderTime"].Value.Pattern)

	var enum []string
	for _, v := range doc.Components.Schemas["ReminderType"].Value.Enum {
		enum = append(enum, v.(string))
	}
	assert.Equal(t, []string{"ONCE", "RECURRING"}, enum)
	assert.Equal(t, "enum "+strings.Join(enum, "|"), ruleEnum)
}

// randString draws n bytes from alphabet.
func randString(r *rand.Rand, alphabet string, max int) string {
	n := r.IntN(max + 1)
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

func TestMatchersAgreeWithSpecRegexp(t *testing.T) {
	cases := []struct {
		name    string
		pattern string
		match   func(string) bool
		table   []string
		gen     func(*rand.Rand) string
	}{
		{
			name: "customerId", pattern: patternCustomerID, match: matchCustomerID,
			table: []string{"KCABCDEFGH123456", "KC00000000000000", "", "KC", "kcABCDEFGH123456", "KCABCDEFGH12345",
				"KCABCDEFGH1234567", "KCABCDEFGH12345a", "KCABCDEFGH12345\n", "XKCABCDEFGH12345", "KCABCDEFGH 23456", "KCÄBCDEFGH123456"},
			gen: func(r *rand.Rand) string {
				if r.IntN(2) == 0 {
					return "KC" + randString(r, "ABCXYZ0189a-\n", 16)
				}
				return randString(r, "KCAZ09 k", 18)
			},
		},
		{
			name: "parentCompanyId", pattern: patternParentCompanyID, match: matchParentCompanyID,
			table: []string{"CEKACME001", "CEK0000000", "CEK", "CEKACME00", "CEKACME0011", "cekACME001", "CEKacme001", "CEKACME00\n"},
			gen: func(r *rand.Rand) string {
				if r.IntN(2) == 0 {
					return "CEK" + randString(r, "AZ09a_\n", 9)
				}
				return randString(r, "CEKZ0 ", 11)
			},
		},
		{
			name: "mobile", pattern: patternMobile, match: matchMobile,
			table: []string{"", "9876543210", "+919876543210", "+91 9876543210", "+91-9876543210", "0091 9876543210",
				"00919876543210", "+1 9876543210", "+123 9876543210", "+1234 9876543210", "+91\t9876543210", "+91\n9876543210",
				"+91\v9876543210", "+91  9876543210", "987654321", "98765432101", "+9876543210", "00 9876543210",
				"0 9876543210", "91 9876543210", "+91 98765 43210", "+91-", "٩٨٧٦٥٤٣٢١٠", "0009876543210", "009876543210", "+-9876543210"},
			gen: func(r *rand.Rand) string { return randString(r, "0123456789+ -\t\n\v", 16) },
		},
		{
			name: "reminderTime", pattern: patternReminderTime, match: matchReminderTime,
			table: []string{"00:00", "09:30", "19:59", "23:59", "24:00", "20:60", "9:30", "09:3", "09-30", "0930", "09:30 ", "2a:00", "", "29:00"},
			gen:   func(r *rand.Rand) string { return randString(r, "0123456789:a", 6) },
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			re := regexp.MustCompile(tc.pattern)
			for _, s := range tc.table {
				assert.Equal(t, re.MatchString(s), tc.match(s), "input %q", s)
			}
			r := rand.New(rand.NewPCG(1, uint64(len(tc.name))))
			for range 50000 {
				s := tc.gen(r)
				if re.MatchString(s) != tc.match(s) {
					t.Fatalf("matcher and %s disagree on %q", tc.pattern, s)
				}
			}
		})
	}
}

// TestEmailIsStrictSubset: whatever matchEmail accepts, the spec format
// (kin-openapi's email regexp) accepts, and the generated Email type marshals
// unchanged (it runs net/mail.ParseAddress).
func TestEmailIsStrictSubset(t *testing.T) {
	re := regexp.MustCompile(patternEmail)
	check := func(s string) {
		if !matchEmail(s) {
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
	assert.True(t, matchEmail("asha.rao@acme.example"))
	assert.False(t, matchEmail("Asha <a@b>"))
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
		want   []Violation
	}{
		{name: "valid full body", id: validCustomerID, opts: []CallOption{WithParentCompanyID(validParentID)}},
		{name: "empty body", id: validCustomerID, mutate: func(b *api.UpdateCustomerRequest) { *b = api.UpdateCustomerRequest{} }},
		{name: "lists cleared", id: validCustomerID, mutate: func(b *api.UpdateCustomerRequest) {
			b.CustomerKeyContacts.SetNull()
			b.CustomerReminders.SetNull()
		}},
		{name: "bad customerId", id: "KC123", want: []Violation{{"customerId", "pattern " + patternCustomerID}}},
		{name: "bad parentCompanyId", id: validCustomerID, opts: []CallOption{WithParentCompanyID("CEK1")},
			want: []Violation{{"parentCompanyId", "pattern " + patternParentCompanyID}}},
		{name: "empty parentCompanyId given", id: validCustomerID, opts: []CallOption{WithParentCompanyID("")},
			want: []Violation{{"parentCompanyId", "pattern " + patternParentCompanyID}}},
		{name: "every key contact and reminder rule", id: "bad", mutate: func(b *api.UpdateCustomerRequest) {
			b.CustomerKeyContacts.Set([]api.CustomerKeyContactCreateDTO{
				{Name: "ok", LegalName: "ok", Mobile: ""},
				{Name: "", LegalName: "", Mobile: "98765", Email: ptr(openapi_types.Email("not-an-email"))},
			})
			b.CustomerReminders.Set([]api.CustomerReminderCreateDTO{
				{ReminderType: ptr(api.ReminderType("WEEKLY")), ReminderTime: ptr("24:00")},
			})
		}, want: []Violation{
			{"customerId", "pattern " + patternCustomerID},
			{"customerKeyContacts[1].name", "required"},
			{"customerKeyContacts[1].legalName", "required"},
			{"customerKeyContacts[1].mobile", "pattern " + patternMobile},
			{"customerKeyContacts[1].email", "format email"},
			{"customerReminders[0].reminderType", "enum ONCE|RECURRING"},
			{"customerReminders[0].reminderTime", "pattern " + patternReminderTime},
		}},
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
	b := validBody()
	cs := callSettings{parentCompanyID: validParentID, hasParent: true}
	allocs := testing.AllocsPerRun(1000, func() {
		if validate(validCustomerID, &cs, &b) != nil {
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
	cs := callSettings{parentCompanyID: validParentID, hasParent: true}
	b.ReportAllocs()
	for b.Loop() {
		if validate(validCustomerID, &cs, &body) != nil {
			b.Fatal("invalid")
		}
	}
}

func TestValidationErrorIsNotAPIError(t *testing.T) {
	err := ValidateUpdateCustomer("x", api.UpdateCustomerRequest{})
	var ae *APIError
	assert.False(t, errors.As(err, &ae))
}
