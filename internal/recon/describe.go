package recon

// Describe says in words what broke, naming the sources; left and right
// are the pair's sources (one source for its own breaks).
func Describe(kind, left, right string) string {
	switch kind {
	case MissingLeft:
		return "a " + right + " record missing in " + left
	case MissingRight:
		return "a " + left + " record missing in " + right
	case AmountMismatch:
		return left + " and " + right + " disagree on the amount"
	case CurrencyMismatch:
		return left + " and " + right + " disagree on the currency"
	case TypeMismatch:
		return left + " and " + right + " disagree on the type"
	case TimeMismatch:
		return left + " and " + right + " booked it too far apart"
	case Duplicate:
		return "a record repeated between " + left + " and " + right
	case ConflictingDuplicate:
		return left + " sent one record twice with different contents"
	case MissingRecords:
		return left + "'s control totals disagree with what it sent"
	}
	return kind
}
