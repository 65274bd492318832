package router

// registerQuery registers the handlers of this file.
func (a *API) registerQuery(s *Server) {}
