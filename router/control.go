package router

// registerControl registers the handlers of this file.
func (a *API) registerControl(s *Server) {}
