package value

// Sizes follow DynamoDB's "Item sizes and formats" rules (developer guide,
// CapacityUnitCalculations), which also decide the 400 KB item limit:
//
//   - String: its UTF-8 bytes.
//   - Binary: its raw bytes (not the base64 text).
//   - Number: 1 byte, plus 1 byte per pair of significant digits, plus 1
//     byte if negative; zero is 1 byte. The guide's "1 byte per two
//     significant digits plus 1 byte" is approximate: the digits are stored
//     in base 100 with pairs aligned on the decimal point (like Oracle's
//     NUMBER), after leading and trailing zeros are trimmed, so 12.3 takes
//     two pairs ("12" and "30") but 1.23 also two ("01", "23") and 1.5 two
//     ("01", "50"). This agrees with every documented example (27 is 2
//     bytes, -27 is 3, 461 is 3) and with measurements against DynamoDB
//     published by emulator authors; a 38-digit number takes at most 21
//     bytes (22 if negative).
//   - Boolean and null: 1 byte.
//   - List and map: 3 bytes of overhead plus, per element, 1 byte of
//     overhead and the element's size; a map element's key counts too, as
//     its UTF-8 bytes.
//   - Sets: the sum of their members' sizes, each member sized as above.
//
// An item's size is the sum, over its attributes, of the UTF-8 bytes of the
// attribute name and the size of the value.

// Size returns the number of bytes v counts for in an item's size (without
// the attribute name). Parts nested deeper than walkDepthLimit (never the
// case for a valid value) make the size saturate above MaxItemSize.
func (v Value) Size() int { return v.size(0) }

func (v Value) size(depth int) int {
	if depth > walkDepthLimit {
		return MaxItemSize + 1
	}
	switch v.Type {
	case TypeS:
		return len(v.S)
	case TypeN:
		return v.N.size()
	case TypeB:
		return len(v.B)
	case TypeBOOL, TypeNULL:
		return 1
	case TypeM:
		n := 3
		for k, e := range v.M {
			n = addSize(n, len(k)+1+e.size(depth+1))
		}
		return n
	case TypeL:
		n := 3
		for _, e := range v.L {
			n = addSize(n, 1+e.size(depth+1))
		}
		return n
	case TypeSS:
		n := 0
		for _, s := range v.SS {
			n += len(s)
		}
		return n
	case TypeNS:
		n := 0
		for _, m := range v.NS {
			n += m.size()
		}
		return n
	case TypeBS:
		n := 0
		for _, b := range v.BS {
			n += len(b)
		}
		return n
	}
	return 0
}

// addSize returns a+b, saturating at a ceiling far above MaxItemSize so that
// sums of saturated sizes cannot overflow int.
func addSize(a, b int) int {
	const ceiling = 1 << 40
	if a > ceiling || b > ceiling {
		return ceiling + 1
	}
	return a + b
}

// size returns the stored size of n in bytes (see the package rules above).
func (n Number) size() int {
	if n.digits == "" {
		return 1
	}
	// Digit i (from the left) has decimal position p = exp + len-1-i; its
	// base-100 pair is floor(p/2). Count the pairs from the leading digit's
	// to the last digit's.
	pairs := floorDiv2(n.adjusted()) - floorDiv2(int(n.exp)) + 1
	size := 1 + pairs
	if n.neg {
		size++
	}
	return size
}

func floorDiv2(p int) int {
	if p < 0 {
		return -((-p + 1) / 2)
	}
	return p / 2
}

// Size returns the size of it as DynamoDB counts it towards MaxItemSize: for
// each attribute, the UTF-8 bytes of its name plus the size of its value.
func (it Item) Size() int {
	n := 0
	for name, v := range it {
		n = addSize(n, len(name)+v.Size())
	}
	return n
}
