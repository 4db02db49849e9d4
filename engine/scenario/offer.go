package scenario

import "errors"

// SetOffer replaces the settlement figure with value, as --offer does: it
// is Set on the input the settlement section names, recorded as the
// offer, so that what the figures were made under can say "offer £120m"
// rather than only that an input was replaced.
func (s *Scenario) SetOffer(value string) error {
	if s.Settlement == nil {
		return errors.New("the scenario names no settlement figure")
	}
	if err := s.Set(s.Settlement.Figure.Name, value); err != nil {
		return err
	}
	s.Settings[len(s.Settings)-1].Offer = true
	return nil
}
