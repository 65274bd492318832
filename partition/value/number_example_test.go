package value_test

import (
	"fmt"

	"github.com/atolldb/atoll/partition/value"
)

func ExampleParseNumber() {
	for _, s := range []string{"+1.50", "10E-1", "-0", "1.5E3", "1e126", "dog"} {
		n, err := value.ParseNumber(s)
		if err != nil {
			fmt.Printf("%s: %v\n", s, err)
			continue
		}
		fmt.Printf("%s: %s\n", s, n)
	}
	// Output:
	// +1.50: 1.5
	// 10E-1: 1
	// -0: 0
	// 1.5E3: 1500
	// 1e126: Number overflow. Attempting to store a number with magnitude larger than supported range
	// dog: The parameter cannot be converted to a numeric value: dog
}

func ExampleNumber_Add() {
	a := value.MustParseNumber("0.1")
	sum, err := a.Add(value.MustParseNumber("0.2"))
	fmt.Println(sum, err)
	_, err = value.MustParseNumber("1e50").Add(value.MustParseNumber("1"))
	fmt.Println(err)
	// Output:
	// 0.3 <nil>
	// Number overflow. Attempting to store a number with magnitude larger than supported range
}
