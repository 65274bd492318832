package router

// registerItems registers the handlers of this file.
func (a *API) registerItems(s *Server) {}
