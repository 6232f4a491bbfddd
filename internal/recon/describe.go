package recon

// Describe names what broke as a noun phrase ("a wallet record missing in
// payments"), so a sentence can say "the largest …"; left and right are
// the pair's sources (one source for its own breaks).
func Describe(kind, left, right string) string {
	switch kind {
	case MissingLeft:
		return "a " + right + " record missing in " + left
	case MissingRight:
		return "a " + left + " record missing in " + right
	case AmountMismatch:
		return "an amount that differs between " + left + " and " + right
	case CurrencyMismatch:
		return "a currency that differs between " + left + " and " + right
	case TypeMismatch:
		return "a type that differs between " + left + " and " + right
	case TimeMismatch:
		return "a record " + left + " and " + right + " booked too far apart"
	case Duplicate:
		return "a record repeated between " + left + " and " + right
	case ConflictingDuplicate:
		return "a record " + left + " sent twice with different contents"
	case MissingRecords:
		return "records " + left + "'s control totals count but it did not send"
	}
	return kind
}
