from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'schema.prisma.jinja'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_items = resolve('items')
    try:
        t_1 = environment.tests['none']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No test named 'none' found.")
    pass
    for l_1_item in (undefined(name='items') if l_0_items is missing else l_0_items):
        _loop_vars = {}
        pass
        if environment.getattr(l_1_item, 'blank_before'):
            pass
            yield '\n'
        if t_1(environment.getattr(l_1_item, 'keyword')):
            pass
            for l_2_line in environment.getattr(l_1_item, 'lines'):
                _loop_vars = {}
                pass
                yield str(l_2_line)
                yield '\n'
            l_2_line = missing
        elif (environment.getattr(l_1_item, 'keyword') == 'enum'):
            pass
            template = environment.get_template('_enum.prisma.jinja', 'schema.prisma.jinja')
            gen = template.root_render_func(template.new_context(context.get_all(), True, {'item': l_1_item}))
            try:
                for event in gen:
                    yield event
            finally: gen.close()
        elif (environment.getattr(l_1_item, 'keyword') in ('datasource', 'generator')):
            pass
            template = environment.get_template('_config.prisma.jinja', 'schema.prisma.jinja')
            gen = template.root_render_func(template.new_context(context.get_all(), True, {'item': l_1_item}))
            try:
                for event in gen:
                    yield event
            finally: gen.close()
        elif (environment.getattr(l_1_item, 'keyword') == 'view'):
            pass
            template = environment.get_template('_view.prisma.jinja', 'schema.prisma.jinja')
            gen = template.root_render_func(template.new_context(context.get_all(), True, {'item': l_1_item}))
            try:
                for event in gen:
                    yield event
            finally: gen.close()
        elif (environment.getattr(l_1_item, 'keyword') == 'type'):
            pass
            template = environment.get_template('_type.prisma.jinja', 'schema.prisma.jinja')
            gen = template.root_render_func(template.new_context(context.get_all(), True, {'item': l_1_item}))
            try:
                for event in gen:
                    yield event
            finally: gen.close()
        else:
            pass
            template = environment.get_template('_model.prisma.jinja', 'schema.prisma.jinja')
            gen = template.root_render_func(template.new_context(context.get_all(), True, {'item': l_1_item}))
            try:
                for event in gen:
                    yield event
            finally: gen.close()
    l_1_item = missing

blocks = {}
debug_info = '3=18&4=21&7=24&8=26&9=29&11=32&12=34&13=40&14=42&15=48&16=50&17=56&18=58&20=66'