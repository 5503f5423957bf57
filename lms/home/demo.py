from .services import home_page_ensure

HOME_BODY = [
    ("heading", {"text": "Học để làm chủ không gian mạng", "level": "h2"}),
    (
        "paragraph",
        "<p>Chương trình giúp học sinh, giáo viên và cộng tác viên hiểu "
        "<b>Luật An ninh mạng 2018</b> (Luật số 24/2018/QH14), biết ứng xử văn minh "
        "trên mạng xã hội, bảo vệ thông tin cá nhân và phòng tránh lừa đảo, bắt nạt "
        "trực tuyến.</p>"
        "<p>Mỗi khoá học gồm các bài học ngắn đọc được trên điện thoại, một bài kiểm "
        "tra cuối khoá và giấy chứng nhận có mã xác thực.</p>",
    ),
]


def seed_home():
    return home_page_ensure(
        title="Công dân số – Học tập an toàn trên không gian mạng", body=HOME_BODY
    )
