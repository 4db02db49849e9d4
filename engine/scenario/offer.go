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
	if err := s.SetFrom(s.Settlement.Figure.Name, value, "--offer"); err != nil {
		return err
	}
	s.Offer = value
	return nil
}

// SplitOffer separates the offer, the last of settings to replace the
// settlement figure when an offer was made, from the other settings. A
// scenario with stages takes its offer without replacing an input; its
// offer is returned all the same.
func (s *Scenario) SplitOffer(settings []Setting) (others []Setting, offer string) {
	if s.Offer == "" || s.Settlement == nil {
		return settings, ""
	}
	at := -1
	for i, set := range settings {
		if set.Name == s.Settlement.Figure.Name && set.Value == s.Offer {
			at = i
		}
	}
	if at < 0 {
		return settings, s.Offer
	}
	others = append(append([]Setting{}, settings[:at]...), settings[at+1:]...)
	return others, s.Offer
}
