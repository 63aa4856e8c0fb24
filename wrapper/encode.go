package wrapper

import (
	"encoding/json"

	"github.com/oapi-codegen/nullable"

	"github.com/enkash-oss/enkash-go/api"
)

// encodeBody returns the JSON of a validated body, byte for byte what
// json.Marshal(body) returns (TestEncodeBodyMatchesMarshal), at a fraction of
// the cost.
//
// Why not json.Marshal(body): each nullable.Nullable field marshals itself
// with a nested json.Marshal whose output the outer encoder then re-scans
// and copies (two or three allocations per field), and the generated Email
// type runs net/mail.ParseAddress for every key contact — about 30
// allocations for a full body, a quarter of a whole call. Here the body is
// mirrored into one wireRequest whose **string fields give the same three
// states (nil: absent, points to nil: null, points to a value: the value)
// with no Marshaler in the way, so json.Marshal encodes it in one pass.
//
// The Email shortcut relies on validation: matchEmail only accepts addresses
// that net/mail parses back unchanged, so Email.MarshalJSON would write the
// string as is.
func encodeBody(body *api.UpdateCustomerRequest) ([]byte, error) {
	w := &wireRequest{}
	w.AccountNumber = w.str(wAccountNumber, body.AccountNumber)
	w.Address = w.str(wAddress, body.Address)
	w.AssignedAgent = w.str(wAssignedAgent, body.AssignedAgent)
	if len(body.BranchCodes) != 0 {
		w.BranchCodes = &w.branchCodes
		if !body.BranchCodes.IsNull() {
			w.branchCodes = body.BranchCodes[true]
		}
	}
	w.ContactNumber = w.str(wContactNumber, body.ContactNumber)
	w.CustomerId = w.str(wCustomerID, body.CustomerId)
	if len(body.CustomerKeyContacts) != 0 {
		w.CustomerKeyContacts = &w.keyContacts
		if !body.CustomerKeyContacts.IsNull() {
			w.keyContacts = wireKeyContacts(body.CustomerKeyContacts[true])
		}
	}
	if len(body.CustomerReminders) != 0 {
		w.CustomerReminders = &w.reminders
		if !body.CustomerReminders.IsNull() {
			w.reminders = body.CustomerReminders[true]
		}
	}
	w.Ifsc = w.str(wIfsc, body.Ifsc)
	w.LegalName = w.str(wLegalName, body.LegalName)
	w.PanOrGstin = w.str(wPanOrGstin, body.PanOrGstin)
	w.PinCode = w.str(wPinCode, body.PinCode)
	w.State = w.str(wState, body.State)
	w.UniqueRefNo = w.str(wUniqueRefNo, body.UniqueRefNo)
	return json.Marshal(w)
}

// Slots of wireRequest's string storage.
const (
	wAccountNumber = iota
	wAddress
	wAssignedAgent
	wContactNumber
	wCustomerID
	wIfsc
	wLegalName
	wPanOrGstin
	wPinCode
	wState
	wUniqueRefNo
	wStrings
)

// wireRequest mirrors api.UpdateCustomerRequest: the same exported fields in
// the same order with the same JSON names (TestWireRequestMirrorsAPI). The
// unexported storage lets one allocation hold everything the pointers need.
type wireRequest struct {
	AccountNumber       **string                         `json:"accountNumber,omitempty"`
	Address             **string                         `json:"address,omitempty"`
	AssignedAgent       **string                         `json:"assignedAgent,omitempty"`
	BranchCodes         *[]string                        `json:"branchCodes,omitempty"`
	ContactNumber       **string                         `json:"contactNumber,omitempty"`
	CustomerId          **string                         `json:"customerId,omitempty"`
	CustomerKeyContacts *[]wireKeyContact                `json:"customerKeyContacts,omitempty"`
	CustomerReminders   *[]api.CustomerReminderCreateDTO `json:"customerReminders,omitempty"`
	Ifsc                **string                         `json:"ifsc,omitempty"`
	LegalName           **string                         `json:"legalName,omitempty"`
	PanOrGstin          **string                         `json:"panOrGstin,omitempty"`
	PinCode             **string                         `json:"pinCode,omitempty"`
	State               **string                         `json:"state,omitempty"`
	UniqueRefNo         **string                         `json:"uniqueRefNo,omitempty"`

	ptrs        [wStrings]*string
	vals        [wStrings]string
	branchCodes []string
	keyContacts []wireKeyContact
	reminders   []api.CustomerReminderCreateDTO
}

// str maps a Nullable to the three states of a **string: nil (absent), a
// pointer to nil (null) or a pointer to the value. Like Nullable.MarshalJSON,
// a null entry wins over a value one.
func (w *wireRequest) str(slot int, n nullable.Nullable[string]) **string {
	if len(n) == 0 {
		return nil
	}
	if !n.IsNull() {
		w.vals[slot] = n[true]
		w.ptrs[slot] = &w.vals[slot]
	}
	return &w.ptrs[slot]
}

// wireKeyContact mirrors api.CustomerKeyContactCreateDTO with Email as a
// plain string (see encodeBody).
type wireKeyContact struct {
	Deleted            bool    `json:"deleted"`
	Email              *string `json:"email,omitempty"`
	KeyContactPersonId *string `json:"keyContactPersonId,omitempty"`
	LegalName          string  `json:"legalName"`
	MailEnabled        *bool   `json:"mail_enabled,omitempty"`
	Mobile             string  `json:"mobile"`
	Name               string  `json:"name"`
	SmsEnabled         *bool   `json:"sms_enabled,omitempty"`
	Via                *string `json:"via,omitempty"`
	WhatsappEnabled    *bool   `json:"whatsapp_enabled,omitempty"`
}

// wireKeyContacts converts the key contacts (nil stays nil: it encodes as
// null, like json.Marshal of a nil slice).
func wireKeyContacts(in []api.CustomerKeyContactCreateDTO) []wireKeyContact {
	if in == nil {
		return nil
	}
	out := make([]wireKeyContact, len(in))
	for i := range in {
		kc := &in[i]
		out[i] = wireKeyContact{
			Deleted:            kc.Deleted,
			Email:              (*string)(kc.Email),
			KeyContactPersonId: kc.KeyContactPersonId,
			LegalName:          kc.LegalName,
			MailEnabled:        kc.MailEnabled,
			Mobile:             kc.Mobile,
			Name:               kc.Name,
			SmsEnabled:         kc.SmsEnabled,
			Via:                kc.Via,
			WhatsappEnabled:    kc.WhatsappEnabled,
		}
	}
	return out
}
