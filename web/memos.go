package web

import (
	"errors"
	"net/http"

	"github.com/soroe/soroe"
)

// A post's 工夫メモ (soroe.Memo): written on the post's page or through
// the API, shown there, in the post history and in its exports.

func (s *Server) registerMemos() error {
	return errors.Join(
		s.ui("POST /posts/{post}/memo", soroe.ActPostWrite, s.postSetMemo),
		s.api("GET /api/v1/posts/{post}/memo", soroe.ActPostRead, s.apiPostMemo),
		s.api("PUT /api/v1/posts/{post}/memo", soroe.ActPostWrite, s.apiSetPostMemo),
	)
}

// mayWriteMemo: who may write posts writes their memos — staff those of
// their own posts (the rule of post.write); everyone reads them.
func mayWriteMemo(id *identity, p *soroe.Post) bool {
	return soroe.Can(id.Role, soroe.ActPostWrite) && (id.Role != soroe.RoleStaff || p.AuthorID == id.User.ID)
}

// setMemo writes the memo of the {post} of the path for the member.
func (s *Server) setMemo(r *http.Request, body string) (*soroe.Memo, error) {
	postID, err := pathID(r, "post")
	if err != nil {
		return nil, err
	}
	id := who(r)
	p, err := s.db.Post(r.Context(), id.Org.ID, postID)
	if err != nil {
		return nil, err
	}
	if !mayWriteMemo(id, p) {
		return nil, &soroe.Error{Code: soroe.EForbidden, Message: "memo_not_yours"}
	}
	return s.db.SetPostMemo(r.Context(), id.Org.ID, postID, id.User.ID, body)
}

func (s *Server) postSetMemo(w http.ResponseWriter, r *http.Request) {
	s.postAction(w, r, "posts.flash.memo_saved", func(int64) error {
		_, err := s.setMemo(r, r.PostForm.Get("memo"))
		return err
	})
}

// memoOut is the API's memo: an empty body when the post has none.
func memoOut(postID int64, m *soroe.Memo) *soroe.Memo {
	if m == nil {
		return &soroe.Memo{PostID: postID}
	}
	return m
}

func (s *Server) apiPostMemo(w http.ResponseWriter, r *http.Request) {
	postID, err := pathID(r, "post")
	if err == nil {
		_, err = s.db.Post(r.Context(), who(r).Org.ID, postID)
	}
	var m *soroe.Memo
	if err == nil {
		if m, err = s.db.PostMemo(r.Context(), who(r).Org.ID, postID); errors.Is(err, soroe.ErrNotFound) {
			m, err = nil, nil
		}
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, memoOut(postID, m))
}

func (s *Server) apiSetPostMemo(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Body *string `json:"body"`
	}
	if !s.decode(w, r, &in) {
		return
	}
	if in.Body == nil {
		s.apiError(w, r, soroe.Invalid("body", "required"))
		return
	}
	m, err := s.setMemo(r, *in.Body)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	postID, _ := pathID(r, "post")
	writeJSON(w, http.StatusOK, memoOut(postID, m))
}
