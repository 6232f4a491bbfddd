package money

import (
	"math"
	"testing"
)

func TestFormat(t *testing.T) {
	usd, _ := Lookup("USD")
	krw, _ := Lookup("KRW")
	kwd, _ := Lookup("KWD")
	tests := []struct {
		amount int64
		c      Currency
		want   string
	}{
		{123456, usd, "1234.56 USD"},
		{-5, usd, "-0.05 USD"},
		{0, usd, "0.00 USD"},
		{100, usd, "1.00 USD"},
		{-100, usd, "-1.00 USD"},
		{1500, krw, "1500 KRW"},
		{-1500, krw, "-1500 KRW"},
		{1234, kwd, "1.234 KWD"},
		{7, kwd, "0.007 KWD"},
		{math.MinInt64, usd, "-92233720368547758.08 USD"},
		{math.MaxInt64, krw, "9223372036854775807 KRW"},
	}
	for _, tt := range tests {
		if got := Format(tt.amount, tt.c); got != tt.want {
			t.Errorf("Format(%d, %s) = %q, want %q", tt.amount, tt.c.Code, got, tt.want)
		}
	}
}
