package main

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// zipfianConstant is YCSB's default skew (ZipfianGenerator.ZIPFIAN_CONSTANT).
const zipfianConstant = 0.99

// keyChooser picks the record a request goes to. Implementations are
// immutable after construction and safe for concurrent use; the randomness
// is the caller's (one *rand.Rand per worker).
type keyChooser interface {
	// Next returns a record number in [0, n).
	Next(r *rand.Rand) uint64
}

// newKeyChooser returns the chooser of distribution dist ("uniform" or
// "zipfian") over n records.
func newKeyChooser(dist string, n uint64) (keyChooser, error) {
	if n == 0 {
		return nil, fmt.Errorf("key distribution over 0 records")
	}
	switch dist {
	case "uniform":
		return uniform{n: n}, nil
	case "zipfian":
		return scrambledZipfian{z: newZipfian(n, zipfianConstant)}, nil
	}
	return nil, fmt.Errorf("unknown key distribution %q (want uniform or zipfian)", dist)
}

// uniform picks every record with the same probability.
type uniform struct{ n uint64 }

func (u uniform) Next(r *rand.Rand) uint64 { return r.Uint64N(u.n) }

// zipfian is YCSB's ZipfianGenerator (Gray et al., "Quickly generating
// billion-record synthetic databases", SIGMOD 1994): record i (from 0) is
// chosen with probability proportional to 1/(i+1)^theta, so record 0 is
// the most popular.
type zipfian struct {
	n            uint64
	theta        float64
	alpha, zetan float64
	eta          float64
	half         float64 // 1 + 0.5^theta
}

// zeta returns sum_{i=1..n} 1/i^theta.
func zeta(n uint64, theta float64) float64 {
	var s float64
	for i := uint64(1); i <= n; i++ {
		s += 1 / math.Pow(float64(i), theta)
	}
	return s
}

func newZipfian(n uint64, theta float64) *zipfian {
	zetan := zeta(n, theta)
	zeta2 := zeta(2, theta)
	return &zipfian{
		n:     n,
		theta: theta,
		alpha: 1 / (1 - theta),
		zetan: zetan,
		eta:   (1 - math.Pow(2/float64(n), 1-theta)) / (1 - zeta2/zetan),
		half:  1 + math.Pow(0.5, theta),
	}
}

func (z *zipfian) Next(r *rand.Rand) uint64 {
	u := r.Float64()
	uz := u * z.zetan
	switch {
	case uz < 1:
		return 0
	case uz < z.half:
		return 1
	}
	v := uint64(float64(z.n) * math.Pow(z.eta*u-z.eta+1, z.alpha))
	return min(v, z.n-1)
}

// scrambledZipfian is YCSB's ScrambledZipfianGenerator idea: zipfian
// popularity, with the popular records scattered over the key space by a
// hash (FNV-1a 64) instead of being the lowest record numbers. Like
// YCSB's, it may map two ranks to the same record.
type scrambledZipfian struct{ z *zipfian }

func (s scrambledZipfian) Next(r *rand.Rand) uint64 {
	return fnv64(s.z.Next(r)) % s.z.n
}

// fnv64 is FNV-1a 64 of v's eight little-endian bytes, without allocating.
func fnv64(v uint64) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for i := range 8 {
		h ^= (v >> (8 * i)) & 0xff
		h *= prime
	}
	return h
}
