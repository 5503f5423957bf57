"""Courses two demo schools wrote for their own students, in Vietnamese.

Each lives in its school's own catalogue (CourseIndexPage.school) and uses its
school's own question category. Short, original content written for this
project; names in the examples are invented.
"""


def _lesson(slug, title, minutes, body):
    return {
        "slug": slug,
        "title": title,
        "estimated_minutes": minutes,
        "required": True,
        "body": body,
    }


def _text(html):
    return ("rich_text", html)


def _heading(text):
    return ("heading", {"text": text, "level": "h2"})


def _callout(kind, title, html):
    return ("callout", {"kind": kind, "title": title, "text": html})


def _takeaways(items):
    return ("key_takeaways", {"title": "Ghi nhớ", "items": items})


# -----------------------------------------------------------------------------
# Trường THPT Hoa Sen (DEMO): Dấu chân số của em
# -----------------------------------------------------------------------------

HOA_SEN_COURSE = {
    "slug": "dau-chan-so-cua-em",
    "title": "Dấu chân số của em",
    "summary": (
        "Khóa học ngắn của Trường THPT Hoa Sen: mỗi bài đăng, lượt thích, bình luận "
        "đều để lại dấu vết trên mạng. Em sẽ biết dấu chân số là gì, nghĩ trước khi "
        "đăng và dọn dẹp dấu chân số của mình."
    ),
    "objectives": [
        "Giải thích được dấu chân số là gì và vì sao nó tồn tại rất lâu.",
        "Tự hỏi ba câu trước khi đăng một nội dung lên mạng.",
        "Rà soát và dọn dẹp các tài khoản, bài đăng cũ của mình.",
    ],
    "estimated_minutes": 15,
    "audience": ["students"],
    "lessons": [
        _lesson(
            "dau-chan-so-la-gi",
            "Dấu chân số là gì?",
            5,
            [
                _heading("Những dấu vết em để lại"),
                _text(
                    "<p><b>Dấu chân số</b> là tất cả những gì còn lại sau khi em dùng "
                    "mạng: bài đăng, ảnh, bình luận, lượt thích, cả những trang em "
                    "đã ghé qua.</p><p>Có dấu chân em chủ động để lại (một bài đăng), "
                    "có dấu chân em không nhìn thấy (lịch sử tìm kiếm, vị trí của "
                    "điện thoại).</p>"
                ),
                _callout(
                    "remember",
                    "Xóa chưa chắc đã mất",
                    "<p>Một bức ảnh đã đăng có thể bị người khác chụp màn hình hoặc "
                    "lưu lại. Bấm xóa không lấy lại được những bản đó.</p>",
                ),
            ],
        ),
        _lesson(
            "nghi-truoc-khi-dang",
            "Nghĩ trước khi đăng",
            5,
            [
                _heading("Ba câu hỏi trước khi bấm “Đăng”"),
                _text(
                    "<ol><li>Nội dung này có đúng sự thật không?</li><li>Nó có làm "
                    "tổn thương ai, kể cả chính em sau này, không?</li><li>Em có "
                    "sẵn lòng để thầy cô, bố mẹ hay nhà tuyển dụng đọc nó không?"
                    "</li></ol>"
                ),
                _callout(
                    "tip",
                    "Chờ mười phút",
                    "<p>Khi đang giận hay quá vui, hãy đợi mười phút rồi đọc lại "
                    "trước khi đăng.</p>",
                ),
            ],
        ),
        _lesson(
            "don-dep-dau-chan-so",
            "Dọn dẹp dấu chân số",
            5,
            [
                _heading("Một buổi dọn dẹp nhỏ"),
                _text(
                    "<ul><li>Gõ họ tên mình vào công cụ tìm kiếm xem hiện ra những "
                    "gì.</li><li>Xóa các tài khoản cũ không còn dùng.</li><li>Xem "
                    "lại chế độ riêng tư: ai được xem ảnh, ai được nhắn tin cho em."
                    "</li></ul>"
                ),
                _takeaways(
                    [
                        "Dấu chân số tồn tại rất lâu và khó xóa hẳn.",
                        "Nghĩ trước khi đăng: đúng, tử tế, không hối hận về sau.",
                        "Định kỳ rà soát tài khoản và chế độ riêng tư.",
                    ]
                ),
            ],
        ),
    ],
}


# -----------------------------------------------------------------------------
# Trường THPT Bình Minh: Cân bằng thời gian trên mạng
# -----------------------------------------------------------------------------

BINH_MINH_COURSE = {
    "slug": "can-bang-thoi-gian-tren-mang",
    "title": "Cân bằng thời gian trên mạng",
    "summary": (
        "Khóa học ngắn của Trường THPT Bình Minh: nhận ra khi nào mình dùng điện "
        "thoại quá nhiều, hiểu vì sao ứng dụng giữ chân mình và tự lập kế hoạch "
        "cân bằng giữa học tập, nghỉ ngơi và thời gian trên mạng."
    ),
    "objectives": [
        "Nhận biết dấu hiệu dùng mạng quá mức ở bản thân.",
        "Hiểu cách thông báo và nội dung gợi ý giữ chân người dùng.",
        "Lập được kế hoạch dùng mạng cân bằng cho một tuần.",
    ],
    "estimated_minutes": 15,
    "audience": ["students"],
    "lessons": [
        _lesson(
            "khi-nao-la-qua-nhieu",
            "Khi nào là quá nhiều?",
            5,
            [
                _heading("Những dấu hiệu cần để ý"),
                _text(
                    "<ul><li>Thức khuya vì lướt mạng, sáng hôm sau mệt mỏi.</li>"
                    "<li>Thấy bồn chồn khi không cầm điện thoại.</li><li>Bỏ dở bài "
                    "tập, ít trò chuyện với gia đình.</li></ul>"
                ),
                _callout(
                    "remember",
                    "Không phải là cấm",
                    "<p>Mạng giúp em học và kết nối với bạn bè. Điều cần là em làm "
                    "chủ thời gian, không để thời gian bị cuốn đi.</p>",
                ),
            ],
        ),
        _lesson(
            "thong-bao-va-su-chu-y",
            "Thông báo và sự chú ý của em",
            5,
            [
                _heading("Vì sao khó đặt điện thoại xuống?"),
                _text(
                    "<p>Nhiều ứng dụng được thiết kế để em ở lại lâu nhất có thể: "
                    "thông báo liên tục, video tự phát tiếp, danh sách gợi ý không "
                    "bao giờ hết.</p>"
                ),
                _callout(
                    "tip",
                    "Tắt bớt thông báo",
                    "<p>Chỉ giữ thông báo của người thân và lớp học. Những ứng dụng "
                    "khác, em tự mở khi cần.</p>",
                ),
            ],
        ),
        _lesson(
            "ke-hoach-can-bang",
            "Kế hoạch cân bằng của em",
            5,
            [
                _heading("Một tuần thử nghiệm"),
                _text(
                    "<ol><li>Ghi lại thời gian dùng mạng mỗi ngày.</li><li>Chọn một "
                    "giờ không điện thoại, ví dụ bữa tối.</li><li>Cất điện thoại "
                    "ngoài phòng ngủ trước khi ngủ ba mươi phút.</li></ol>"
                ),
                _takeaways(
                    [
                        "Để ý dấu hiệu: mất ngủ, bồn chồn, bỏ dở việc học.",
                        "Ứng dụng được thiết kế để giữ chân em; hãy tắt bớt thông báo.",
                        "Một kế hoạch nhỏ, đều đặn hiệu quả hơn lời hứa lớn.",
                    ]
                ),
            ],
        ),
    ],
}

# School code -> its own catalogue and courses.
SCHOOL_CATALOGUES = {
    "DEMO": {
        "slug": "khoa-hoc-truong-hoa-sen",
        "title": "Khóa học của Trường THPT Hoa Sen",
        "intro": "<p>Các khóa học do Trường THPT Hoa Sen tự biên soạn cho học sinh "
        "của trường.</p>",
        "category": "Trường THPT Hoa Sen – Dấu chân số",
        "courses": [HOA_SEN_COURSE],
    },
    "BINHMINH": {
        "slug": "khoa-hoc-truong-binh-minh",
        "title": "Khóa học của Trường THPT Bình Minh",
        "intro": "<p>Các khóa học do Trường THPT Bình Minh tự biên soạn cho học sinh "
        "của trường.</p>",
        "category": "Trường THPT Bình Minh – Cân bằng thời gian trên mạng",
        "courses": [BINH_MINH_COURSE],
    },
}
