package bulk

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// This file is a strict JSON decoder into the generated request types, in
// one pass over the bytes and without encoding/json's leniencies, so that
// both encoding/json engines (v1 and v2) give the same result: invalid
// UTF-8 (and lone surrogate escapes) is refused rather than replaced by
// U+FFFD, a key given twice at any level is refused rather than the last one
// winning, keys match exactly (v1 matches them case-insensitively), unknown
// keys are refused at every level (nullable.Nullable decodes its content with
// a plain json.Unmarshal, which would ignore them), null is accepted only
// where the type can hold it (a nullable.Nullable), and trailing data is
// refused. What to decode comes from the generated Go types by reflection:
// no field is named here.

// typeDec decodes JSON into values of one Go type.
type typeDec struct {
	shape  string // what the JSON holds, for messages: "an array of strings"
	decode func(d *decoder, v reflect.Value) *decodeErr
}

// structField is one property of a struct type.
type structField struct {
	name  string
	index int
	dec   *typeDec
	// nullable reports whether the field is a nullable.Nullable[T]; elem
	// is then the decoder of T.
	nullable bool
	elem     *typeDec
	elemType reflect.Type
}

// structDec decodes a struct by its json tags.
type structDec struct {
	fields []structField // sorted by name
	byName map[string]int
	names  string // "a, b, c", for the unknown-field message
}

var (
	jsonNumberType  = reflect.TypeFor[json.Number]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
)

// isNullable reports whether t is a nullable.Nullable[T] (map[bool]T with
// its SetNull method): absent, null or a value.
func isNullable(t reflect.Type) bool {
	if t.Kind() != reflect.Map || t.Key().Kind() != reflect.Bool {
		return false
	}
	_, ok := reflect.PointerTo(t).MethodByName("SetNull")
	return ok
}

// setNullable stores null (val invalid) or val into the nullable.Nullable
// v, as its SetNull and Set methods do.
func setNullable(v reflect.Value, val reflect.Value) {
	m := reflect.MakeMapWithSize(v.Type(), 1)
	if val.IsValid() {
		m.SetMapIndex(reflect.ValueOf(true), val)
	} else {
		m.SetMapIndex(reflect.ValueOf(false), reflect.Zero(v.Type().Elem()))
	}
	v.Set(m)
}

// decoders caches the decoder of each type while building (types may be
// recursive).
type decoders map[reflect.Type]*typeDec

func (c decoders) of(t reflect.Type) *typeDec {
	if td, ok := c[t]; ok {
		return td
	}
	td := &typeDec{}
	c[t] = td
	c.build(t, td)
	return td
}

func (c decoders) build(t reflect.Type, td *typeDec) {
	switch {
	case isNullable(t):
		elem := c.of(t.Elem())
		td.shape = elem.shape + " or null"
		td.decode = func(d *decoder, v reflect.Value) *decodeErr {
			if d.isNull() {
				setNullable(v, reflect.Value{})
				return nil
			}
			start := d.pos
			ev := reflect.New(t.Elem()).Elem()
			if err := elem.decode(d, ev); err != nil {
				if !err.syntax && err.off == start && err.field == "" && err.rule == "must be "+elem.shape {
					err.rule = "must be " + td.shape
				}
				return err
			}
			setNullable(v, ev)
			return nil
		}
		return
	case t == jsonNumberType:
		td.shape = "a number"
		td.decode = func(d *decoder, v reflect.Value) *decodeErr {
			if d.pos >= len(d.data) || (d.data[d.pos] != '-' && (d.data[d.pos] < '0' || d.data[d.pos] > '9')) {
				return d.typeErr(td.shape)
			}
			lit, _, err := d.number()
			if err != nil {
				return err
			}
			v.SetString(string(lit))
			return nil
		}
		return
	case t.Kind() == reflect.String:
		// Named string types (enums) too: their
		// format and enum are the generated validator's to check, with a
		// message naming the rule.
		td.shape = "a string"
		td.decode = func(d *decoder, v reflect.Value) *decodeErr {
			if d.pos >= len(d.data) || d.data[d.pos] != '"' {
				return d.typeErr(td.shape)
			}
			s, err := d.str()
			if err != nil {
				return err
			}
			v.SetString(string(s))
			return nil
		}
		return
	case reflect.PointerTo(t).Implements(unmarshalerType) || t.Kind() == reflect.Interface:
		c.buildUnmarshaler(t, td)
		return
	}
	switch t.Kind() {
	case reflect.Bool:
		td.shape = "a boolean"
		td.decode = func(d *decoder, v reflect.Value) *decodeErr {
			switch {
			case d.literal("true"):
				v.SetBool(true)
			case d.literal("false"):
				v.SetBool(false)
			default:
				return d.typeErr(td.shape)
			}
			return nil
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		c.buildNumber(t, td)
	case reflect.Pointer:
		elem := c.of(t.Elem())
		td.shape = elem.shape
		td.decode = func(d *decoder, v reflect.Value) *decodeErr {
			if d.pos < len(d.data) && d.data[d.pos] == 'n' {
				return d.typeErr(td.shape) // the spec does not allow null here
			}
			p := reflect.New(t.Elem())
			if err := elem.decode(d, p.Elem()); err != nil {
				return err
			}
			v.Set(p)
			return nil
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 { // base64, as encoding/json has it
			c.buildUnmarshaler(t, td)
			return
		}
		elem := c.of(t.Elem())
		td.shape = "an array of " + plural(elem.shape)
		td.decode = func(d *decoder, v reflect.Value) *decodeErr {
			if d.pos >= len(d.data) || d.data[d.pos] != '[' {
				return d.typeErr(td.shape)
			}
			d.pos++
			s := reflect.MakeSlice(t, 0, 2) // most lists here are short: one allocation
			for i := 0; ; i++ {
				ok, err := d.nextElem(i)
				if err != nil {
					return err
				}
				if !ok {
					break
				}
				s = reflect.Append(s, reflect.Zero(t.Elem()))
				if err := elem.decode(d, s.Index(i)); err != nil {
					err.field = "[" + strconv.Itoa(i) + "]" + err.field
					return err
				}
			}
			v.Set(s)
			return nil
		}
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			c.buildUnmarshaler(t, td)
			return
		}
		elem := c.of(t.Elem())
		td.shape = "an object"
		td.decode = func(d *decoder, v reflect.Value) *decodeErr {
			if d.pos >= len(d.data) || d.data[d.pos] != '{' {
				return d.typeErr(td.shape)
			}
			d.pos++
			m := reflect.MakeMap(t)
			for i := 0; ; i++ {
				key, keyOff, ok, err := d.nextMember(i)
				if err != nil {
					return err
				}
				if !ok {
					break
				}
				k := reflect.ValueOf(string(key)).Convert(t.Key())
				name := "." + echoName(string(key))
				if m.MapIndex(k).IsValid() {
					return &decodeErr{off: keyOff, field: name, rule: "duplicate key"}
				}
				ev := reflect.New(t.Elem()).Elem()
				if err := elem.decode(d, ev); err != nil {
					err.field = name + err.field
					return err
				}
				m.SetMapIndex(k, ev)
			}
			v.Set(m)
			return nil
		}
	case reflect.Struct:
		sd, ok := c.structOf(t)
		if !ok {
			c.buildUnmarshaler(t, td)
			return
		}
		td.shape = "a " + t.Name() + " object"
		if t.Name() == "" {
			td.shape = "an object"
		}
		td.decode = func(d *decoder, v reflect.Value) *decodeErr {
			if d.pos >= len(d.data) || d.data[d.pos] != '{' {
				return d.typeErr(td.shape)
			}
			d.pos++
			return sd.decodeMembers(d, v)
		}
	default:
		c.buildUnmarshaler(t, td)
	}
}

// structOf builds the decoder of a struct's properties; false when the
// struct has a field it cannot map one to one to a key (an embedded field,
// a ",string" option).
func (c decoders) structOf(t reflect.Type) (*structDec, bool) {
	sd := &structDec{byName: map[string]int{}}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous || strings.Contains(","+opts+",", ",string,") {
			return nil, false
		}
		if !f.IsExported() || name == "-" && opts == "" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		sf := structField{name: name, index: i, nullable: isNullable(f.Type)}
		sd.fields = append(sd.fields, sf)
	}
	slices.SortFunc(sd.fields, func(a, b structField) int { return strings.Compare(a.name, b.name) })
	names := make([]string, len(sd.fields))
	for i := range sd.fields {
		f := &sd.fields[i]
		sd.byName[f.name] = i
		names[i] = f.name
		ft := t.Field(f.index).Type
		f.dec = c.of(ft)
		if f.nullable {
			f.elemType = ft.Elem()
			f.elem = c.of(ft.Elem())
		}
	}
	sd.names = strings.Join(names, ", ")
	return sd, true
}

// decodeMembers decodes the members of an object whose '{' was consumed.
func (sd *structDec) decodeMembers(d *decoder, v reflect.Value) *decodeErr {
	var seenSmall uint64
	var seenBig []bool
	if len(sd.fields) > 64 {
		seenBig = make([]bool, len(sd.fields))
	}
	for n := 0; ; n++ {
		key, keyOff, ok, err := d.nextMember(n)
		if !ok {
			return err
		}
		i, ok := sd.byName[string(key)]
		if !ok {
			return &decodeErr{off: keyOff, rule: "unknown field " + echoName(string(key)) + ": want one of " + sd.names}
		}
		f := &sd.fields[i]
		if seenBig != nil {
			if seenBig[i] {
				return &decodeErr{off: keyOff, field: "." + f.name, rule: "duplicate key"}
			}
			seenBig[i] = true
		} else {
			if seenSmall&(1<<i) != 0 {
				return &decodeErr{off: keyOff, field: "." + f.name, rule: "duplicate key"}
			}
			seenSmall |= 1 << i
		}
		if err := f.dec.decode(d, v.Field(f.index)); err != nil {
			err.field = "." + f.name + err.field
			return err
		}
	}
}

// buildNumber decodes integers (no fraction or exponent, within the type's
// range) and floats.
func (c decoders) buildNumber(t reflect.Type, td *typeDec) {
	kind := t.Kind()
	isFloat := kind == reflect.Float32 || kind == reflect.Float64
	isUint := kind >= reflect.Uint && kind <= reflect.Uint64
	td.shape = "an integer"
	if isFloat {
		td.shape = "a number"
	}
	bits := t.Bits()
	td.decode = func(d *decoder, v reflect.Value) *decodeErr {
		if d.pos >= len(d.data) || (d.data[d.pos] != '-' && (d.data[d.pos] < '0' || d.data[d.pos] > '9')) {
			return d.typeErr(td.shape)
		}
		off := d.pos
		lit, isInt, err := d.number()
		if err != nil {
			return err
		}
		switch {
		case isFloat:
			f, perr := strconv.ParseFloat(string(lit), bits)
			if perr != nil {
				return &decodeErr{off: off, rule: "out of range for a " + strconv.Itoa(bits) + "-bit number"}
			}
			v.SetFloat(f)
		case !isInt:
			return &decodeErr{off: off, rule: "must be " + td.shape}
		case isUint:
			u, perr := strconv.ParseUint(string(lit), 10, bits)
			if perr != nil {
				return &decodeErr{off: off, rule: "must be an integer from 0 to " + strconv.FormatUint(1<<bits-1, 10)}
			}
			v.SetUint(u)
		default:
			n, perr := strconv.ParseInt(string(lit), 10, bits)
			if perr != nil {
				return &decodeErr{off: off, rule: "must be an integer from " + strconv.FormatInt(-1<<(bits-1), 10) + " to " + strconv.FormatInt(1<<(bits-1)-1, 10)}
			}
			v.SetInt(n)
		}
		return nil
	}
}

// buildUnmarshaler decodes a type this decoder does not map itself (one
// with its own UnmarshalJSON, an interface): the value is read strictly
// first, then handed to encoding/json.
func (c decoders) buildUnmarshaler(t reflect.Type, td *typeDec) {
	td.shape = "a valid " + t.String()
	td.decode = func(d *decoder, v reflect.Value) *decodeErr {
		start := d.pos
		if err := d.skip(0); err != nil {
			return err
		}
		if err := json.Unmarshal(d.data[start:d.pos], v.Addr().Interface()); err != nil {
			return &decodeErr{off: start, rule: "must be " + td.shape}
		}
		return nil
	}
}

// plural turns a shape into its plural: "a string" into "strings", "a
// CustomerKeyContactCreateDTO object" into "CustomerKeyContactCreateDTO
// objects".
func plural(shape string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(shape, "a "), "an ")
	if rest, ok := strings.CutPrefix(s, "array of "); ok {
		return "arrays of " + rest
	}
	if strings.HasSuffix(s, " or null") {
		return strings.TrimSuffix(s, " or null") + "s or nulls"
	}
	return s + "s"
}
