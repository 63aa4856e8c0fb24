package bulk

import "reflect"

// deepCopy returns a copy of v that shares no map, slice or pointer with it,
// so that an iterator reusing its buffers for the next item cannot change an
// item already taken. It knows no field: it walks v's type.
func deepCopy[T any](v T) T {
	return copyValue(reflect.ValueOf(&v).Elem()).Interface().(T)
}

func copyValue(src reflect.Value) reflect.Value {
	switch src.Kind() {
	case reflect.Map:
		if src.IsNil() {
			return src
		}
		m := reflect.MakeMapWithSize(src.Type(), src.Len())
		for it := src.MapRange(); it.Next(); {
			m.SetMapIndex(copyValue(it.Key()), copyValue(it.Value()))
		}
		return m
	case reflect.Slice:
		if src.IsNil() {
			return src
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := range src.Len() {
			s.Index(i).Set(copyValue(src.Index(i)))
		}
		return s
	case reflect.Pointer:
		if src.IsNil() {
			return src
		}
		p := reflect.New(src.Type().Elem())
		p.Elem().Set(copyValue(src.Elem()))
		return p
	case reflect.Interface:
		if src.IsNil() {
			return src
		}
		v := reflect.New(src.Type()).Elem()
		v.Set(copyValue(src.Elem()))
		return v
	case reflect.Struct, reflect.Array:
		v := reflect.New(src.Type()).Elem()
		v.Set(src)
		if src.Kind() == reflect.Array {
			for i := range src.Len() {
				v.Index(i).Set(copyValue(src.Index(i)))
			}
			return v
		}
		for i := range src.NumField() {
			if v.Field(i).CanSet() {
				v.Field(i).Set(copyValue(src.Field(i)))
			}
		}
		return v
	}
	return src
}
